import { embeddingBase64, embeddingVector } from '../shared/embedding-vector';
import { isRecord, readNumber, readString } from '../shared/json-value';
import { MockHttpError } from '../shared/mock-http-error';
import { textTokens } from '../shared/token-estimate';

export interface EmbeddingInput {
  model: string;
  /** each input as text (token arrays are joined with spaces). */
  texts: string[];
  /** tokens of every input: text tokens of strings, the length of token arrays. */
  promptTokens: number;
  dimensions: number | null;
  encoding: 'float' | 'base64';
}

/** Parses an OpenAI (or Mistral) embeddings request; `dimensionsField` names the size parameter. */
export function parseEmbeddingRequest(
  body: unknown,
  dimensionsField: 'dimensions' | 'output_dimension',
): EmbeddingInput {
  if (!isRecord(body))
    throw new MockHttpError(400, 'The request body must be a JSON object.', { param: 'body' });
  const model = readString(body, 'model');
  if (model === undefined)
    throw new MockHttpError(400, 'you must provide a model parameter', { param: 'model' });
  const raw = body.input ?? body.inputs;
  const texts: string[] = [];
  let promptTokens = 0;
  const addText = (text: string): void => {
    texts.push(text);
    promptTokens += textTokens(text.length);
  };
  const addTokens = (tokens: number[]): void => {
    texts.push(tokens.join(' '));
    promptTokens += tokens.length;
  };
  const isTokenArray = (value: unknown): value is number[] =>
    Array.isArray(value) && value.every((entry) => typeof entry === 'number');
  if (typeof raw === 'string') addText(raw);
  else if (isTokenArray(raw) && raw.length > 0) addTokens(raw);
  else if (Array.isArray(raw) && raw.length > 0) {
    for (const entry of raw) {
      if (typeof entry === 'string') addText(entry);
      else if (isTokenArray(entry)) addTokens(entry);
      else
        throw new MockHttpError(
          400,
          "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
          { param: 'input' },
        );
    }
  } else {
    throw new MockHttpError(
      400,
      "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      { param: 'input' },
    );
  }
  const encoding = readString(body, 'encoding_format') === 'base64' ? 'base64' : 'float';
  return { model, texts, promptTokens, dimensions: readNumber(body, dimensionsField) ?? null, encoding };
}

export function embeddingData(input: EmbeddingInput, defaultDimensions: number): unknown[] {
  const dimensions = input.dimensions ?? defaultDimensions;
  return input.texts.map((text, index) => {
    const vector = embeddingVector(text, dimensions);
    return {
      object: 'embedding',
      index,
      embedding: input.encoding === 'base64' ? embeddingBase64(vector) : vector,
    };
  });
}

/** OpenAI's embeddings response. */
export function renderOpenAiEmbeddings(input: EmbeddingInput, defaultDimensions: number): unknown {
  return {
    object: 'list',
    data: embeddingData(input, defaultDimensions),
    model: input.model,
    usage: { prompt_tokens: input.promptTokens, total_tokens: input.promptTokens },
  };
}
