import type { EmbeddingRequest } from '@switchyard/contracts';
import { toBase64Embedding } from '../shared/embedding-encoding';
import { jsonPost } from '../shared/http-request';
import { compact } from '../shared/json';
import { malformedResponse, unsupportedRequest } from '../shared/upstream-error';
import type { EmbeddingResult, UpstreamHttpRequest, UpstreamTarget } from '../shared/spec';
import { geminiModelId, geminiUrl } from './gemini-chat-request';
import { BatchEmbedContentsResponse } from './gemini-wire';

function textInputs(request: EmbeddingRequest, provider: string): string[] {
  const input = request.input;
  if (typeof input === 'string') return [input];
  if (input.every((item): item is string => typeof item === 'string')) return input;
  throw unsupportedRequest(
    provider,
    'embeddings input must be text (token arrays are not supported)',
    'input',
  );
}

/** `:batchEmbedContents`, one request per input text. */
export function buildGeminiEmbeddingRequest(
  request: EmbeddingRequest,
  target: UpstreamTarget,
): UpstreamHttpRequest {
  const model = `models/${geminiModelId(target.providerModel)}`;
  const requests = textInputs(request, target.provider).map((text) =>
    compact({ model, content: { parts: [{ text }] }, outputDimensionality: request.dimensions }),
  );
  return jsonPost(
    geminiUrl(target.apiBase, target.providerModel, 'batchEmbedContents'),
    { 'x-goog-api-key': target.apiKey },
    { requests },
  );
}

/**
 * The embeddings in OpenAI's shape. `batchEmbedContents` reports no token counts: usage is null
 * (not a made-up zero), and the dispatcher counts the input with the tokenizer instead.
 */
export function parseGeminiEmbeddingResponse(
  body: unknown,
  target: UpstreamTarget,
  encodingFormat: EmbeddingRequest['encoding_format'] = 'float',
): EmbeddingResult {
  const parsed = BatchEmbedContentsResponse.safeParse(body);
  if (!parsed.success) throw malformedResponse(target.provider, 'no embeddings');
  return {
    response: {
      object: 'list',
      data: parsed.data.embeddings.map((embedding, index) => ({
        object: 'embedding',
        index,
        embedding: encodingFormat === 'base64' ? toBase64Embedding(embedding.values) : embedding.values,
      })),
      model: geminiModelId(target.providerModel),
      usage: { prompt_tokens: 0, total_tokens: 0 },
    },
    usage: null,
  };
}
