import { GatewayError, type FinishReason } from '@switchyard/contracts';

/**
 * Mistral finish reasons: `stop`, `length`, `model_length` (the context window is full → length),
 * `tool_calls`, and `error` (generation failed upstream: a retryable 502).
 */
export function mapMistralFinishReason(value: unknown, provider: string): FinishReason | null {
  switch (value) {
    case null:
    case undefined:
    case '':
      return null;
    case 'length':
    case 'model_length':
      return 'length';
    case 'tool_calls':
      return 'tool_calls';
    case 'error':
      throw new GatewayError(502, 'api_error', `${provider}: generation failed (finish_reason "error")`, {
        code: 'upstream_error',
        provider,
      });
    default:
      return 'stop';
  }
}
