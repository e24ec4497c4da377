import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatCompletionRequest, ChatMessage, ClassifyRequest } from '@switchyard/contracts';
import { ComplexityRouter, type ComplexityRouterOptions } from '../complexity-router';
import { ComplexityRouterConfig } from '../router-config';

/** The tuned `opencodego-router` config of the seed examples (weights and boundaries of the reference). */
export const TUNED_CONFIG = {
  tiers: {
    SIMPLE: 'simple-model',
    MEDIUM: 'medium-model',
    COMPLEX: 'complex-model',
    REASONING: 'reasoning-model',
  },
  dimension_weights: {
    tokenCount: 0.0,
    reasoningMarkers: 0.4,
    simpleIndicators: 0.2,
    technicalTerms: 0.25,
    codePresence: 0.1,
    multiStepPatterns: 0.03,
    questionComplexity: 0.02,
  },
  tier_boundaries: { simple_medium: 0.1, medium_complex: 0.25, complex_reasoning: 0.55 },
};

export const FOUR_TIERS = TUNED_CONFIG.tiers;

export interface TestRouterOptions extends Partial<ComplexityRouterOptions> {
  name?: string;
  windows?: Readonly<Record<string, number | null>>;
}

/** A router from a raw `complexity_router_config` (validated by the real schema). */
export function routerOf(config: unknown, options: TestRouterOptions = {}): ComplexityRouter {
  const windows = options.windows ?? {};
  return new ComplexityRouter(
    { name: options.name ?? 'test-router', config: ComplexityRouterConfig.parse(config) },
    { contextWindowOf: (model) => windows[model] ?? null, ...options },
  );
}

export function requestOf(
  messages: readonly ChatMessage[],
  extras: Partial<Omit<ClassifyRequest, 'body'>> & { body?: Partial<ChatCompletionRequest> } = {},
): ClassifyRequest {
  const body = { model: 'test-router', messages: [...messages], ...extras.body } as ChatCompletionRequest;
  return {
    router: 'test-router',
    body,
    requestBytes: extras.requestBytes ?? Buffer.byteLength(JSON.stringify(body)),
    session: extras.session ?? null,
  };
}

export function askOf(text: string, extras: Parameters<typeof requestOf>[1] = {}): ClassifyRequest {
  return requestOf([{ role: 'user', content: text }], extras);
}

const fixtures = join(__dirname, '../../../../test/fixtures');

/** A captured request of `test/fixtures` (the body is under `.body`). */
export function capturedRequest(name: 'opencode-chat-request.json' | 'opencode-title-request.json'): {
  body: ChatCompletionRequest;
  headers: Record<string, string>;
  bytes: number;
} {
  const captured = JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as {
    body: ChatCompletionRequest;
    headers: Record<string, string>;
  };
  return { ...captured, bytes: Buffer.byteLength(JSON.stringify(captured.body)) };
}
