import { z } from 'zod';
import type { ChatCompletionRequest } from './chat-request';
import type { EmbeddingRequest, EmbeddingResponse } from './embedding-request';
import type { ChatCompletion, ChatCompletionChunk } from './chat-response';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Bodies that cross the bus were validated in full by the ingress; consumers re-check only their
 * shape (cheap), so a malformed message is still rejected with a typed error, never a crash.
 */
export const ChatBody = z.custom<ChatCompletionRequest>(
  (value) => isRecord(value) && Array.isArray(value.messages) && typeof value.model === 'string',
  { message: 'expected a chat completions body with model and messages' },
);
export const EmbeddingBody = z.custom<EmbeddingRequest>(
  (value) => isRecord(value) && typeof value.model === 'string' && value.input !== undefined,
  { message: 'expected an embeddings body with model and input' },
);
export const ChatCompletionBody = z.custom<ChatCompletion>(
  (value) => isRecord(value) && Array.isArray(value.choices),
  { message: 'expected a chat completion' },
);
export const ChatChunkBody = z.custom<ChatCompletionChunk>(
  (value) => isRecord(value) && Array.isArray(value.choices),
  { message: 'expected a chat completion chunk' },
);
export const EmbeddingResponseBody = z.custom<EmbeddingResponse>(
  (value) => isRecord(value) && value.object === 'list' && Array.isArray(value.data),
  { message: 'expected an embeddings list' },
);
