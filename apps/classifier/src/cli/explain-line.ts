import type { ComplexityRouter } from '@switchyard/complexity';
import { ChatCompletionRequest, GatewayError } from '@switchyard/contracts';

/** What `route:explain` prints for a line it cannot explain. */
export interface ExplainError {
  line: number;
  error: string;
  status?: number;
  type?: string;
  code?: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A line is a chat completions body, or a captured request `{headers, body}` (the fixtures' shape). */
function unwrap(document: unknown): { body: unknown; sessionId: string | null; captured: boolean } {
  if (isRecord(document) && !('messages' in document) && isRecord(document.body)) {
    const headers = isRecord(document.headers) ? document.headers : {};
    const sessionId = headers['x-session-id'];
    return {
      body: document.body,
      sessionId: typeof sessionId === 'string' ? sessionId : null,
      captured: true,
    };
  }
  return { body: document, sessionId: null, captured: false };
}

/**
 * One line of `route:explain`: the router's `ClassifyDecision` for the request on the line, as one
 * JSON line; a line that is not a request, or that the router refuses, gives `{line, error}`.
 * Blank lines give nothing (null).
 */
export async function explainLine(
  router: ComplexityRouter,
  line: string,
  lineNumber: number,
): Promise<string | null> {
  const text = line.trim();
  if (text.length === 0) return null;
  const failure = (error: Omit<ExplainError, 'line'>): string =>
    JSON.stringify({ line: lineNumber, ...error });

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return failure({ error: `not valid JSON: ${(error as Error).message}` });
  }
  const { body, sessionId, captured } = unwrap(document);
  const parsed = ChatCompletionRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map(String).join('.') || '(body)';
    return failure({ error: `not a chat completions request: ${path}: ${issue.message}` });
  }
  try {
    const decision = await router.decide({
      router: router.name,
      body: parsed.data,
      requestBytes: Buffer.byteLength(captured ? JSON.stringify(body) : text),
      session: sessionId === null ? null : { id: sessionId, lastTier: null, lastModel: null },
    });
    return JSON.stringify(decision);
  } catch (error) {
    if (error instanceof GatewayError) {
      return failure({ error: error.message, status: error.status, type: error.type, code: error.code });
    }
    return failure({ error: error instanceof Error ? error.message : String(error) });
  }
}
