import type { MockFormat } from './mock-format';

/** The model ids `GET /models` lists: those of config/demo.yaml, by format. The mock answers any id. */
export const MODEL_CATALOG: ReadonlyArray<{ id: string; format: MockFormat; ownedBy: string }> = [
  ...['gpt-5.5', 'gpt-5.4', 'gpt-5.4-mini', 'text-embedding-3-small'].map((id) => ({
    id,
    format: 'openai' as const,
    ownedBy: 'openai',
  })),
  ...[
    'deepseek-v4-pro',
    'deepseek-v4-flash',
    'glm-5',
    'glm-5.1',
    'kimi-k2.5',
    'kimi-k2.6',
    'mimo-v2.5',
    'mimo-v2.5-pro',
    'minimax-m2.5',
    'minimax-m2.7',
    'qwen3.6-plus',
    'qwen3.7-max',
  ].map((id) => ({ id, format: 'openai' as const, ownedBy: 'opencode' })),
  ...['mistral-small-2603', 'mistral-medium-3-5', 'mistral-embed'].map((id) => ({
    id,
    format: 'mistral' as const,
    ownedBy: 'mistralai',
  })),
  ...[
    'claude-haiku-4-5',
    'claude-sonnet-4-5',
    'claude-sonnet-4-6',
    'claude-opus-4-5',
    'claude-opus-4-6',
    'claude-opus-4-7',
    'claude-opus-4-8',
  ].map((id) => ({ id, format: 'anthropic' as const, ownedBy: 'anthropic' })),
  ...['gemini-2.5-pro', 'gemini-3.1-pro-preview', 'gemini-3.5-flash', 'gemini-embedding-001'].map((id) => ({
    id,
    format: 'gemini' as const,
    ownedBy: 'google',
  })),
];

/** A fixed creation time for listed models (2026-01-01T00:00:00Z). */
export const MODEL_CREATED = 1767225600;
