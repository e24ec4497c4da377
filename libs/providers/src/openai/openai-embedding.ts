import type { EmbeddingRequest, EmbeddingResponse } from '@switchyard/contracts';
import { bearerHeaders, jsonPost } from '../shared/http-request';
import { isRecord } from '../shared/json';
import { malformedResponse } from '../shared/upstream-error';
import type { EmbeddingResult, UpstreamHttpRequest, UpstreamTarget } from '../shared/spec';
import { tokenUsageOf } from '../usage/token-usage-of';
import { applyParamMappings } from './openai-chat-request';

export function buildOpenAIEmbeddingRequest(
  request: EmbeddingRequest,
  target: UpstreamTarget,
): UpstreamHttpRequest {
  const body = applyParamMappings({ ...request, model: target.providerModel }, target.paramMappings);
  return jsonPost(`${target.apiBase}/embeddings`, bearerHeaders(target.apiKey), body);
}

/** An OpenAI-shaped embeddings response (OpenAI, custom providers, Mistral). */
export function parseOpenAICompatibleEmbeddingResponse(
  body: unknown,
  target: UpstreamTarget,
): EmbeddingResult {
  if (!isRecord(body) || !Array.isArray(body.data))
    throw malformedResponse(target.provider, 'no embedding data');
  const data = body.data.map((item: unknown, position): EmbeddingResponse['data'][number] => {
    if (!isRecord(item) || !(Array.isArray(item.embedding) || typeof item.embedding === 'string')) {
      throw malformedResponse(target.provider, `embedding ${position} has no vector`);
    }
    return {
      object: 'embedding',
      index: typeof item.index === 'number' ? item.index : position,
      embedding: item.embedding as number[] | string,
    };
  });
  const usage = isRecord(body.usage) ? body.usage : {};
  const promptTokens = typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : 0;
  return {
    response: {
      object: 'list',
      data,
      model: typeof body.model === 'string' ? body.model : target.providerModel,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    usage: tokenUsageOf({ noCache: promptTokens, output: 0 }),
  };
}
