import type { ChatCompletionRequest } from '@switchyard/contracts';

/** Parameters of the OpenAI Chat Completions API; with `drop_params`, anything else is dropped. */
const OPENAI_CHAT_PARAMETERS = new Set([
  'model',
  'messages',
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
]);

/** Canonical fields that are not OpenAI's but that the provider adapters read (never dropped). */
const ADAPTER_PARAMETERS = new Set(['provider_options']);

/** Fields only the gateway reads; never sent to a provider. */
const GATEWAY_PARAMETERS = ['cache', 'drop_params'] as const;

/**
 * The body sent to the dispatcher: the client's request without the gateway's own fields, and,
 * when `drop_params` is set (config or request), without parameters OpenAI's API does not define.
 * Unknown parameters are otherwise passed through, as LiteLLM does.
 */
export function upstreamBody(
  request: ChatCompletionRequest,
  dropParamsByConfig: boolean,
): ChatCompletionRequest {
  const dropParams = dropParamsByConfig || request.drop_params === true;
  if (!dropParams && GATEWAY_PARAMETERS.every((name) => !(name in request))) return request;
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request)) {
    if ((GATEWAY_PARAMETERS as readonly string[]).includes(name)) continue;
    if (dropParams && !OPENAI_CHAT_PARAMETERS.has(name) && !ADAPTER_PARAMETERS.has(name)) continue;
    body[name] = value;
  }
  return body as ChatCompletionRequest;
}
