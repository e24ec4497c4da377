import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError, type ChatCompletionChunk, type ChatCompletionRequest } from '@switchyard/contracts';
import { decodeSse } from '../shared/sse-decoder';
import type { ChatStreamParser, EmbeddingTranslator, Provider, UpstreamTarget } from '../shared/spec';

/** Test helpers for recorded wire fixtures (never compiled into dist: the build skips `__fixtures__`). */

export const FIXED_NOW_MS = 1_767_225_600_000;
export const fixedClock = (): number => FIXED_NOW_MS;

export function readFixture(directory: string, name: string): string {
  return readFileSync(join(directory, '__fixtures__', name), 'utf8');
}

export function readJsonFixture(directory: string, name: string): unknown {
  return JSON.parse(readFixture(directory, name)) as unknown;
}

/** Feeds a recorded `.sse` fixture through the decoder and the parser, as the dispatcher does. */
export function runStreamFixture(
  parser: ChatStreamParser,
  directory: string,
  name: string,
): ChatCompletionChunk[] {
  return decodeSse(readFixture(directory, name)).flatMap((event) => parser.push(event));
}

export function targetFor(
  overrides: Partial<UpstreamTarget> & Pick<UpstreamTarget, 'provider'>,
): UpstreamTarget {
  return {
    providerModel: 'test-model',
    apiBase: 'https://upstream.test',
    apiKey: 'sk-test-secret-key-0123456789abcdef',
    ...overrides,
  };
}

/** The translated body of an upstream request. */
export function bodyOf(request: { body: string }): Record<string, unknown> {
  return JSON.parse(request.body) as Record<string, unknown>;
}

/** The `GatewayError` an action throws (fails the test when it throws nothing, or something else). */
export function thrownGatewayError(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

/** The embeddings translator of a provider that has one (fails the test when it has none). */
export function embeddingOf(provider: Provider): EmbeddingTranslator {
  if (!provider.embedding) throw new Error(`${provider.kind} has no embeddings`);
  return provider.embedding;
}

/** A request builder for one model: `chat(messages, extra)`. */
export function chatRequestOf(
  model: string,
): (
  messages: ChatCompletionRequest['messages'],
  extra?: Partial<ChatCompletionRequest>,
) => ChatCompletionRequest {
  return (messages, extra = {}) => ({ model, messages, ...extra });
}
