/**
 * An error the mock answers with, in the format of the provider being imitated. Parsers throw it
 * for invalid requests; faults create it from the `status` knob. Each format's error module turns
 * it into that provider's error body.
 */
export class MockHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly options: {
      /** the request field at fault, where the provider names one (OpenAI `param`). */
      param?: string;
      /** a provider-specific error code (OpenAI `code`, Mistral `code`). */
      code?: string | null;
      /** the exact body to send instead of the format's usual envelope. */
      body?: unknown;
      /** seconds for a `retry-after` header. */
      retryAfter?: number;
    } = {},
  ) {
    super(message);
    this.name = 'MockHttpError';
  }
}
