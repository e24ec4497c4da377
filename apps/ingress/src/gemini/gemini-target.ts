import { GatewayError } from '@switchyard/contracts';

export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'countTokens';

const METHODS: readonly GeminiMethod[] = ['generateContent', 'streamGenerateContent', 'countTokens'];

export interface GeminiTarget {
  /** the model or router name of the config (`models/` prefix removed). */
  model: string;
  method: GeminiMethod;
}

/** A model name as Google's paths and the SDK write it: `models/gemini-2.5-pro` or `gemini-2.5-pro`. */
export function modelNameOf(name: string): string {
  return name.replace(/^models\//, '');
}

/**
 * The `{model}:{method}` tail of `/v1beta/models/…` (Fastify hands it over whole: the colon is
 * inside a path segment, so the route takes the rest of the path and it is split here, at the last
 * colon). The model may itself contain `/` (`models/x`) or `:`.
 */
export function parseGeminiTarget(tail: string): GeminiTarget {
  const colon = tail.lastIndexOf(':');
  const method = colon === -1 ? '' : tail.slice(colon + 1);
  const model = modelNameOf(colon === -1 ? tail : tail.slice(0, colon));
  if (!(METHODS as readonly string[]).includes(method)) {
    throw GatewayError.notFound(
      method === ''
        ? `No method in "models/${model}": call models/{model}:generateContent, :streamGenerateContent or :countTokens.`
        : `Method "${method}" is not supported by this gateway: call models/{model}:generateContent, :streamGenerateContent or :countTokens.`,
      null,
      'route_not_found',
    );
  }
  if (model === '')
    throw GatewayError.invalidRequest('The model name in the path is empty.', 'model', 'invalid_argument');
  return { model, method: method as GeminiMethod };
}
