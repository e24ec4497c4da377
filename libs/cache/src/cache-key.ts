import { createHash } from 'node:crypto';
import type { ChatCompletionRequest } from '@switchyard/contracts';

/**
 * Request fields that do not change what the model answers: transport, accounting and cache
 * controls. Everything else (messages, tools, sampling, limits, unknown provider parameters) is
 * part of the key, so a new parameter can never make two different requests share an answer.
 */
const NOT_OUTPUT_AFFECTING = new Set([
  'model',
  'stream',
  'stream_options',
  'user',
  'metadata',
  'cache',
  'drop_params',
  'store',
  'service_tier',
]);

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` give the same key. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/**
 * The cache key of a chat request once its model is resolved: the resolved model name (a router's
 * tier model, so two routers picking one model share entries) and every output-affecting field.
 * A single key, so it works on Redis Cluster without cross-slot operations.
 */
export function chatCacheKey(resolvedModel: string, request: ChatCompletionRequest): string {
  const affecting = Object.fromEntries(
    Object.entries(request).filter(([key]) => !NOT_OUTPUT_AFFECTING.has(key)),
  );
  const digest = createHash('sha256')
    .update(resolvedModel)
    .update('\u0000')
    .update(canonicalJson(affecting))
    .digest('hex');
  return `chat:${digest}`;
}
