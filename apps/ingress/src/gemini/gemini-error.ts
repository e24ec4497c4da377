import type { GatewayError } from '@switchyard/contracts';
import { errorHeaders } from '../http/to-gateway-error';

/** Google's canonical status names (google.rpc.Code) by HTTP status. */
const STATUS_BY_HTTP: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function googleStatusOf(status: number): string {
  return STATUS_BY_HTTP[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
}

export interface GeminiErrorBody {
  error: { code: number; message: string; status: string };
}

/** Google's error envelope: `{"error": {"code", "message", "status"}}`. */
export function geminiErrorBody(error: GatewayError): GeminiErrorBody {
  return { error: { code: error.status, message: error.message, status: googleStatusOf(error.status) } };
}

export function geminiErrorHeaders(error: GatewayError, callId: string): Record<string, string> {
  return { ...errorHeaders(error), 'x-litellm-call-id': callId };
}
