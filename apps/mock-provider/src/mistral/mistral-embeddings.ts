import { deterministicToken } from '../shared/hash';
import { embeddingData, type EmbeddingInput } from '../openai/openai-embeddings';

/** Mistral's embeddings response: OpenAI's, plus an `id` and `completion_tokens: 0`. */
export function renderMistralEmbeddings(
  input: EmbeddingInput,
  defaultDimensions: number,
  sequence: number,
): unknown {
  return {
    id: deterministicToken(`mistral-embed:${sequence}`, 32, 'hex'),
    object: 'list',
    data: embeddingData(input, defaultDimensions),
    model: input.model,
    usage: { prompt_tokens: input.promptTokens, total_tokens: input.promptTokens, completion_tokens: 0 },
  };
}
