import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
  FinishReason,
  GatewayError,
  TokenUsage,
} from '@switchyard/contracts';
import type { ReasoningTokensRule } from '../usage/reasoning-tokens-rule';

/**
 * The frozen provider interface. An adapter is pure translation: it builds the upstream HTTP
 * request and maps responses, stream events and errors back to OpenAI's shapes and canonical
 * usage. It never performs I/O; the dispatcher owns the HTTP call, timeouts, retries and metrics.
 */

/** Everything an adapter needs to address one deployment (resolved by the dispatcher). */
export interface UpstreamTarget {
  /** provider instance, e.g. `openai`, `opencodego`. */
  provider: string;
  /** the provider's model id, e.g. `claude-sonnet-4-6`. */
  providerModel: string;
  /** base URL without a trailing slash, as LiteLLM means it (`https://api.openai.com/v1`, `https://api.anthropic.com`). */
  apiBase: string;
  apiKey: string;
  /** providers.json `param_mappings` for custom OpenAI-compatible providers. */
  paramMappings?: Readonly<Record<string, string>>;
  /** extra default parameters from `litellm_params` (temperature, max_tokens, …). */
  defaults?: Readonly<Record<string, unknown>>;
  /**
   * OpenAI-style usage only: does `completion_tokens` count the reasoning tokens (`included`,
   * OpenAI's rule and the default) or leave them out (`separate`, xAI)? From providers.json.
   */
  reasoningTokens?: ReasoningTokensRule;
}

export interface UpstreamHttpRequest {
  method: 'POST' | 'GET';
  url: string;
  headers: Record<string, string>;
  /** serialized JSON body. */
  body: string;
}

/** One Server-Sent Event as decoded from the wire. */
export interface SseEvent {
  event: string | null;
  data: string;
}

export interface ChatResult {
  /** the completion in OpenAI's shape; `usage` filled from canonical usage. */
  response: ChatCompletion;
  usage: TokenUsage;
  finishReason: FinishReason | null;
}

export interface ChatStreamSummary {
  /** null when the stream ended before the provider reported usage. */
  usage: TokenUsage | null;
  finishReason: FinishReason | null;
}

/** Stateful translation of one upstream stream into OpenAI chunks. */
export interface ChatStreamParser {
  /**
   * Translates one upstream SSE event into zero or more OpenAI chunks. Throws `GatewayError` for an
   * error event or a malformed event. The final usage-only chunk (choices `[]`, `usage` set) is
   * emitted when the provider reports usage, so the client may receive it.
   */
  push(event: SseEvent): ChatCompletionChunk[];
  /**
   * The upstream body ended (call it once, after the last `push`). Returns what was held back for
   * the end (a usage chunk that rode on the last content chunk, a tool call still being
   * assembled) and decides `done` for providers whose end marker is optional (OpenAI-style
   * streams that finished every choice but sent no `[DONE]`).
   */
  end(): ChatCompletionChunk[];
  /** true once the provider said the stream is over (`[DONE]`, `message_stop`, last candidate). */
  readonly done: boolean;
  /** usage and finish reason seen so far (partial usage after a cut stream). */
  summary(): ChatStreamSummary;
}

export interface EmbeddingResult {
  response: EmbeddingResponse;
  /** null: the provider reports no token counts (Gemini's `batchEmbedContents`); the dispatcher counts the input. */
  usage: TokenUsage | null;
}

/** Chat completions: request out, response or stream events back. */
export interface ChatTranslator {
  buildRequest(
    request: ChatCompletionRequest,
    target: UpstreamTarget,
    options: { stream: boolean },
  ): UpstreamHttpRequest;
  parseResponse(body: unknown, target: UpstreamTarget): ChatResult;
  createStreamParser(target: UpstreamTarget): ChatStreamParser;
}

export interface EmbeddingTranslator {
  buildRequest(request: EmbeddingRequest, target: UpstreamTarget): UpstreamHttpRequest;
  /**
   * `request` (optional, pass it when you have it) lets providers without a base64 wire format
   * honour `encoding_format: "base64"` — the OpenAI SDK's default, which it decodes as base64.
   */
  parseResponse(body: unknown, target: UpstreamTarget, request?: EmbeddingRequest): EmbeddingResult;
}

/**
 * One event of OpenAI's Responses stream as the provider sent it (`type`, `sequence_number`, and
 * the event's own fields), passed through untouched so reasoning items, `encrypted_content` and
 * hosted-tool items reach the client as they are.
 */
export type ResponsesEvent = Record<string, unknown> & { type: string };

/** The Responses object of a non-streamed call, as the provider sent it. */
export interface ResponsesResult {
  response: Record<string, unknown>;
  /** null when the response reports no usage. */
  usage: TokenUsage | null;
  /** `completed` or `incomplete` (a `failed` response is thrown as an error). */
  status: string;
}

export interface ResponsesStreamSummary {
  /** from `response.completed` / `response.incomplete` / `response.failed`; null before any of them. */
  usage: TokenUsage | null;
  /** the final response's `status`, null before the stream ended. */
  status: string | null;
}

/** Stateful reading of one upstream Responses stream. */
export interface ResponsesStreamParser {
  /**
   * Returns the native events to forward for one upstream SSE event. The opening
   * `response.created` / `response.in_progress` are held back and released with the first
   * event after them, so an error that comes before any output leaves nothing sent (the attempt
   * can still be retried or fall back). Throws `GatewayError` for an `error` event or
   * `response.failed` (retryable by status), and a 502 `bad_upstream_response` for a malformed event.
   */
  push(event: SseEvent): ResponsesEvent[];
  /** the upstream body ended (once, after the last `push`); throws an error event still pending. */
  end(): ResponsesEvent[];
  /** true once `response.completed`, `response.incomplete` (or `response.failed`) arrived. */
  readonly done: boolean;
  summary(): ResponsesStreamSummary;
}

/**
 * OpenAI's native Responses API (`POST {api_base}/responses`): the raw body passes through with
 * the deployment's model, so `include`, `store`, reasoning items and hosted tools stay intact.
 */
export interface ResponsesTranslator {
  buildRequest(
    body: Readonly<Record<string, unknown>>,
    target: UpstreamTarget,
    options: { stream: boolean },
  ): UpstreamHttpRequest;
  parseResponse(body: unknown, target: UpstreamTarget): ResponsesResult;
  createStreamParser(target: UpstreamTarget): ResponsesStreamParser;
}

/** The translators of one wire format, bound to a clock (`created` stamps, `retry-after` dates). */
export interface ProviderTranslators {
  chat: ChatTranslator;
  /** null: the provider has no embeddings API (the dispatcher answers 400 without calling it). */
  embedding: EmbeddingTranslator | null;
  /** the native Responses API, for the wire formats that have one (OpenAI); absent elsewhere. */
  responses?: ResponsesTranslator;
  /** maps an upstream error response (any status ≥ 400) to a `GatewayError` that names the provider, never the key. */
  parseError(
    status: number,
    bodyText: string,
    headers: Readonly<Record<string, string>>,
    target: UpstreamTarget,
  ): GatewayError;
}

/** What a provider folder declares: one wire format, its defaults and its translators. */
export interface ProviderSpec<Kind extends string = string> {
  /** the wire format, and the name of its built-in provider instance (`litellm_params.model: <kind>/…`). */
  readonly kind: Kind;
  /** base URL without a trailing slash, as LiteLLM means it. */
  readonly defaultBaseUrl: string;
  /** environment variable holding the key when a deployment names none. */
  readonly apiKeyEnv: string;
  /** environment variable that overrides the base URL. */
  readonly apiBaseEnv: string;
  /**
   * The cheap upstream call that tells whether a deployment answers without a billed completion
   * (retrieve the model; `custom`: a providers.json provider, list its models).
   */
  probeRequest(target: UpstreamTarget, options: { custom: boolean }): UpstreamHttpRequest;
  translators(now: () => number): ProviderTranslators;
}

/**
 * One wire format as the gateway uses it (`libs/providers/src/registry.ts` lists them). Pure
 * translation: it never performs I/O.
 */
export interface Provider<Kind extends string = string>
  extends Omit<ProviderSpec<Kind>, 'translators'>, ProviderTranslators {
  /** The same provider on another clock (tests pass a fixed one). */
  withClock(now: () => number): Provider<Kind>;
}
