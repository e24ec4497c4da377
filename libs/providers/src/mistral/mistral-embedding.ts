import type { EmbeddingRequest } from '@switchyard/contracts';
import { bearerHeaders, jsonPost } from '../shared/http-request';
import { compact } from '../shared/json';
import { unsupportedRequest } from '../shared/upstream-error';
import type { UpstreamHttpRequest, UpstreamTarget } from '../shared/spec';

/** `POST {apiBase}/embeddings`; `dimensions` is Mistral's `output_dimension`; text input only. */
export function buildMistralEmbeddingRequest(
  request: EmbeddingRequest,
  target: UpstreamTarget,
): UpstreamHttpRequest {
  const input = request.input;
  if (typeof input !== 'string' && !input.every((item) => typeof item === 'string')) {
    throw unsupportedRequest(
      target.provider,
      'embeddings input must be text (token arrays are not supported)',
      'input',
    );
  }
  const body = compact({
    model: target.providerModel,
    input,
    output_dimension: request.dimensions,
    encoding_format: request.encoding_format,
  });
  return jsonPost(`${target.apiBase}/embeddings`, bearerHeaders(target.apiKey), body);
}
