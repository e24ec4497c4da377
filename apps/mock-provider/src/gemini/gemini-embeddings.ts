import { embeddingVector } from '../shared/embedding-vector';
import { isRecord, readArray, readNumber, type JsonRecord } from '../shared/json-value';
import { MockHttpError } from '../shared/mock-http-error';

function contentText(content: unknown): string | null {
  if (!isRecord(content)) return null;
  let text = '';
  for (const part of readArray(content, 'parts') ?? []) {
    if (isRecord(part) && typeof part.text === 'string') text += part.text;
  }
  return text;
}

function dimensionsOf(request: JsonRecord, fallback: number): number {
  return (
    readNumber(request, 'outputDimensionality') ?? readNumber(request, 'output_dimensionality') ?? fallback
  );
}

/** `:embedContent` → `{"embedding":{"values":[…]}}`. */
export function renderGeminiEmbedContent(body: unknown, defaultDimensions: number): unknown {
  const text = isRecord(body) ? contentText(body.content) : null;
  if (!isRecord(body) || text === null)
    throw new MockHttpError(400, '* EmbedContentRequest.content: content is not specified\n');
  return { embedding: { values: embeddingVector(text, dimensionsOf(body, defaultDimensions)) } };
}

/** `:batchEmbedContents` → `{"embeddings":[{"values":[…]}, …]}`. */
export function renderGeminiBatchEmbedContents(body: unknown, defaultDimensions: number): unknown {
  const requests = isRecord(body) ? readArray(body, 'requests') : undefined;
  if (requests === undefined || requests.length === 0) {
    throw new MockHttpError(400, '* BatchEmbedContentsRequest.requests: requests is not specified\n');
  }
  return {
    embeddings: requests.map((request, index) => {
      const text = isRecord(request) ? contentText(request.content) : null;
      if (!isRecord(request) || text === null) {
        throw new MockHttpError(
          400,
          `* BatchEmbedContentsRequest.requests[${index}].content: content is not specified\n`,
        );
      }
      return { values: embeddingVector(text, dimensionsOf(request, defaultDimensions)) };
    }),
  };
}
