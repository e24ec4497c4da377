import type { ChatCompletionRequest, ContentPart, MessageContent } from '@switchyard/contracts';
import { isRecord } from './json';

/**
 * `litellm_params` keys that configure routing, credentials, limits or pricing, and the keys a
 * request body owns (`model`, `messages`, `input`, `stream`): never default request parameters, so
 * they are never copied into an upstream body. The one list: the dispatcher builds
 * `UpstreamTarget.defaults` with `requestDefaultsOf`, and `withDefaults` checks it again for a
 * caller that passes every `litellm_params` entry.
 */
export const NON_REQUEST_PARAMS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'input',
  'stream',
  'api_key',
  'api_base',
  'api_version',
  'base_url',
  'organization',
  'custom_llm_provider',
  'timeout',
  'stream_timeout',
  'max_retries',
  'num_retries',
  'rpm',
  'tpm',
  'weight',
  'order',
  'complexity_router_config',
  'input_cost_per_token',
  'output_cost_per_token',
  'cache_read_input_token_cost',
  'cache_creation_input_token_cost',
  'output_cost_per_reasoning_token',
]);

/** A deployment's `litellm_params` that are request parameters (temperature, max_tokens, …); undefined when none. */
export function requestDefaultsOf(
  litellmParams: Readonly<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  const defaults = Object.fromEntries(
    Object.entries(litellmParams).filter(
      ([key, value]) => !NON_REQUEST_PARAMS.has(key) && value !== undefined,
    ),
  );
  return Object.keys(defaults).length > 0 ? defaults : undefined;
}

/** The request with the deployment's default parameters filled in where the request has none. */
export function withDefaults<T extends Record<string, unknown>>(
  request: T,
  defaults: Readonly<Record<string, unknown>> | undefined,
): T {
  if (!defaults) return request;
  const merged: Record<string, unknown> = { ...request };
  for (const [key, value] of Object.entries(requestDefaultsOf(defaults) ?? {})) {
    if (merged[key] === undefined || merged[key] === null) merged[key] = value;
  }
  return merged as T;
}

/** `max_completion_tokens`, else `max_tokens`. */
export function maxOutputTokensOf(request: ChatCompletionRequest): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? undefined;
}

export function stopSequencesOf(stop: ChatCompletionRequest['stop']): string[] {
  if (stop === undefined || stop === null) return [];
  return (typeof stop === 'string' ? [stop] : stop).filter((sequence) => sequence.length > 0);
}

export function isTextPart(part: ContentPart): part is { type: 'text'; text: string } {
  return part.type === 'text' && typeof part.text === 'string';
}

export interface ImageUrlValue {
  url: string;
  detail?: string;
}

/** The `image_url` of an image part (the object form, or the bare string some clients send). */
export function imageUrlOf(part: ContentPart): ImageUrlValue | null {
  if (part.type !== 'image_url') return null;
  const value = part.image_url;
  if (typeof value === 'string') return { url: value };
  if (isRecord(value) && typeof value.url === 'string') return { url: value.url };
  return null;
}

/** The concatenated text of a message's content (non-text parts are skipped). */
export function textOf(content: MessageContent | null | undefined): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content
    .filter(isTextPart)
    .map((part) => part.text)
    .join('');
}

export interface DataUrl {
  mediaType: string;
  data: string;
}

/** `data:<media type>;base64,<data>` → its parts; null for any other URL. */
export function parseDataUrl(url: string): DataUrl | null {
  const match = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s.exec(url);
  if (!match) return null;
  return { mediaType: match[1].toLowerCase(), data: match[3] };
}

const MEDIA_TYPE_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/** A media type guessed from a URL's file extension (image/jpeg when it has none we know). */
export function mediaTypeOfUrl(url: string): string {
  const path = url.split(/[?#]/)[0];
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return MEDIA_TYPE_BY_EXTENSION[extension] ?? 'image/jpeg';
}

/** Parses tool-call arguments into the object providers want; `{}` when they are empty or not an object. */
export function parseToolArguments(argumentsJson: string): Record<string, unknown> {
  if (argumentsJson.trim() === '') return {};
  try {
    const parsed = JSON.parse(argumentsJson) as unknown;
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}
