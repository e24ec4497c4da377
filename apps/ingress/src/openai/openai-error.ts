import type { GatewayError } from '@switchyard/contracts';

/** OpenAI's error envelope: `{"error": {"message", "type", "param", "code"}}`. */
export function openAIErrorBody(error: GatewayError): {
  error: { message: string; type: string; param: string | null; code: string | null };
} {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}
