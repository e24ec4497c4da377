import type { GatewayError } from '@switchyard/contracts';
import { openAIErrorFrom } from '../openai/openai-error';
import { isRecord, tryParseJson } from '../shared/json';
import type { UpstreamTarget } from '../shared/spec';

/** `{"detail":[{"loc":["body","x"],"msg":"…"}]}` (a 422 validation error) → `body.x: …; …`. */
function validationMessage(detail: unknown): string | null {
  if (!Array.isArray(detail)) return null;
  const problems = detail.filter(isRecord).map((problem) => {
    const location = Array.isArray(problem.loc) ? problem.loc.join('.') : '';
    const message = typeof problem.msg === 'string' ? problem.msg : 'invalid';
    return location ? `${location}: ${message}` : message;
  });
  return problems.length > 0 ? problems.join('; ') : null;
}

/**
 * Mistral errors: OpenAI-like `{"object":"error","message","type","param","code"}`, where a 422's
 * `message` is a validation object, and bare `{"detail": …}` / `{"message": …}` bodies.
 */
export function mistralErrorFrom(
  status: number,
  body: unknown,
  bodyText: string,
  headers: Readonly<Record<string, string>>,
  target: UpstreamTarget,
  nowMs: number,
): GatewayError {
  if (isRecord(body)) {
    const nested = isRecord(body.message) ? validationMessage(body.message.detail) : null;
    const flat = validationMessage(body.detail);
    const message = nested ?? flat;
    if (message !== null)
      return openAIErrorFrom(
        status,
        { ...body, message, detail: undefined },
        bodyText,
        headers,
        target,
        nowMs,
      );
  }
  return openAIErrorFrom(status, body, bodyText, headers, target, nowMs);
}

export function parseMistralError(
  status: number,
  bodyText: string,
  headers: Readonly<Record<string, string>>,
  target: UpstreamTarget,
  nowMs: number,
): GatewayError {
  return mistralErrorFrom(status, tryParseJson(bodyText), bodyText, headers, target, nowMs);
}
