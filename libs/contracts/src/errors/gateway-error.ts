import { z } from 'zod';

/**
 * The one error shape that crosses the bus. Every failure in Switchyard is a `GatewayError` with an
 * HTTP status, an OpenAI-style `type`, and whether retrying (another attempt, or a fallback) can help.
 * The ingress turns it into the OpenAI or Anthropic envelope in one filter per surface.
 */
export const GatewayErrorPayload = z.object({
  status: z.number().int().min(400).max(599),
  type: z.string(),
  code: z.string().nullable(),
  message: z.string(),
  param: z.string().nullable(),
  retryable: z.boolean(),
  retryAfterMs: z.number().nonnegative().nullable(),
  /** the provider that failed, for upstream errors. */
  provider: z.string().nullable(),
});
export type GatewayErrorPayload = z.infer<typeof GatewayErrorPayload>;

export interface GatewayErrorOptions {
  code?: string | null;
  param?: string | null;
  retryable?: boolean;
  retryAfterMs?: number | null;
  provider?: string | null;
  cause?: unknown;
  headers?: Record<string, string>;
}

/** 408, 409, 429 and 5xx can succeed on another try. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export class GatewayError extends Error {
  readonly code: string | null;
  readonly param: string | null;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | null;
  readonly provider: string | null;
  /** extra response headers (rate-limit state, for instance). */
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.isRetryable = options.retryable ?? isRetryableStatus(status);
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.provider = options.provider ?? null;
    this.headers = options.headers ?? {};
  }

  toPayload(): GatewayErrorPayload {
    return {
      status: this.status,
      type: this.type,
      code: this.code,
      message: this.message,
      param: this.param,
      retryable: this.isRetryable,
      retryAfterMs: this.retryAfterMs,
      provider: this.provider,
    };
  }

  static fromPayload(payload: GatewayErrorPayload): GatewayError {
    return new GatewayError(payload.status, payload.type, payload.message, {
      code: payload.code,
      param: payload.param,
      retryable: payload.retryable,
      retryAfterMs: payload.retryAfterMs,
      provider: payload.provider,
    });
  }

  static invalidRequest(
    message: string,
    param: string | null = null,
    code: string | null = null,
  ): GatewayError {
    return new GatewayError(400, 'invalid_request_error', message, { param, code });
  }

  static unauthorized(message = 'Invalid or missing API key.'): GatewayError {
    return new GatewayError(401, 'authentication_error', message, { code: 'invalid_api_key' });
  }

  static forbidden(message: string, code: string | null = 'model_not_allowed'): GatewayError {
    return new GatewayError(403, 'permission_error', message, { code });
  }

  static notFound(
    message: string,
    param: string | null = null,
    code: string | null = 'model_not_found',
  ): GatewayError {
    return new GatewayError(404, 'not_found_error', message, { param, code });
  }

  static payloadTooLarge(message: string): GatewayError {
    return new GatewayError(413, 'invalid_request_error', message, { code: 'request_too_large' });
  }

  static rateLimited(
    message: string,
    retryAfterMs: number | null,
    options: GatewayErrorOptions = {},
  ): GatewayError {
    return new GatewayError(429, 'rate_limit_error', message, {
      code: 'rate_limit_exceeded',
      ...options,
      retryAfterMs,
    });
  }

  static budgetExceeded(message: string, retryAfterMs: number | null = null): GatewayError {
    return new GatewayError(429, 'budget_exceeded', message, {
      code: 'budget_exceeded',
      retryable: false,
      retryAfterMs,
    });
  }

  static upstream(status: number, message: string, options: GatewayErrorOptions = {}): GatewayError {
    return new GatewayError(status, status === 429 ? 'rate_limit_error' : 'api_error', message, {
      code: 'upstream_error',
      ...options,
    });
  }

  static unavailable(message: string, options: GatewayErrorOptions = {}): GatewayError {
    return new GatewayError(503, 'api_error', message, { code: 'service_unavailable', ...options });
  }

  static timeout(message: string, options: GatewayErrorOptions = {}): GatewayError {
    return new GatewayError(504, 'timeout_error', message, { code: 'timeout', ...options });
  }

  static internal(message: string, options: GatewayErrorOptions = {}): GatewayError {
    return new GatewayError(500, 'api_error', message, {
      code: 'internal_error',
      retryable: false,
      ...options,
    });
  }
}
