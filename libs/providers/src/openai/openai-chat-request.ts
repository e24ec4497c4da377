import type { ChatCompletionRequest } from '@switchyard/contracts';
import { bearerHeaders, jsonPost } from '../shared/http-request';
import { withDefaults } from '../shared/request-parameters';
import type { UpstreamHttpRequest, UpstreamTarget } from '../shared/spec';

/** OpenAI models that reject `max_tokens` and want `max_completion_tokens` (reasoning models). */
const MAX_COMPLETION_TOKENS_ONLY = /^(o\d|gpt-5)/;

/**
 * Renames top-level parameters as a custom provider's `param_mappings` say
 * (`{"max_completion_tokens": "max_tokens"}`). A parameter the request already sets under the
 * target name keeps its value.
 */
export function applyParamMappings(
  body: Record<string, unknown>,
  mappings: Readonly<Record<string, string>> | undefined,
): Record<string, unknown> {
  if (!mappings) return body;
  const mapped: Record<string, unknown> = { ...body };
  for (const [from, to] of Object.entries(mappings)) {
    if (from === to || mapped[from] === undefined) continue;
    if (mapped[to] === undefined || mapped[to] === null) mapped[to] = mapped[from];
    delete mapped[from];
  }
  return mapped;
}

/**
 * The Chat Completions body: every parameter of the request passes through, with the provider's
 * model id. When streaming, usage is always requested (`stream_options.include_usage`) so every
 * streamed call is metered; otherwise `stream` and `stream_options` are removed.
 */
export function buildOpenAIChatBody(
  request: ChatCompletionRequest,
  target: UpstreamTarget,
  stream: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...withDefaults(request, target.defaults),
    model: target.providerModel,
  };
  // provider-native options of other providers (`provider_options.gemini`) are never sent
  delete body.provider_options;
  if (stream) {
    body.stream = true;
    body.stream_options = { ...(request.stream_options ?? {}), include_usage: true };
  } else {
    delete body.stream;
    delete body.stream_options;
  }
  if (
    target.provider === 'openai' &&
    MAX_COMPLETION_TOKENS_ONLY.test(target.providerModel) &&
    body.max_tokens !== undefined &&
    body.max_tokens !== null
  ) {
    body.max_completion_tokens ??= body.max_tokens;
    delete body.max_tokens;
  }
  return applyParamMappings(body, target.paramMappings);
}

export function buildOpenAIChatRequest(
  request: ChatCompletionRequest,
  target: UpstreamTarget,
  stream: boolean,
): UpstreamHttpRequest {
  return jsonPost(
    `${target.apiBase}/chat/completions`,
    bearerHeaders(target.apiKey),
    buildOpenAIChatBody(request, target, stream),
  );
}
