import type { GatewayConfiguration } from '@switchyard/config';
import { TIERS } from '@switchyard/contracts';

export const OPENCODE_SCHEMA_URL = 'https://opencode.ai/config.json';
export const DEFAULT_OPENCODE_PROVIDER = 'litellm-local';
/** OpenCode reads the key from this variable (`{env:…}`), so the file never holds a secret. */
export const OPENCODE_API_KEY_REFERENCE = '{env:LITELLM_API_KEY}';

/** The OpenCode config (`opencode.json`) with one provider: this gateway. */
export interface OpenCodeConfig {
  $schema: typeof OPENCODE_SCHEMA_URL;
  provider: Record<
    string,
    {
      npm: '@ai-sdk/openai-compatible';
      name: string;
      options: { baseURL: string; apiKey: string };
      models: Record<string, { name: string }>;
    }
  >;
  model: string;
  small_model: string;
}

export interface OpenCodeConfigOptions {
  /** the gateway's URL as the client reached it, without a trailing slash (`http://127.0.0.1:4000`). */
  gatewayUrl: string;
  /** the provider's key in OpenCode (`litellm-local/<model>`). */
  providerName?: string;
  /** the default model; default: the first router (the first chat model when there is none). */
  model?: string;
  /** OpenCode's model for titles and summaries; default: the same as `model` (a router sends those to its cheapest tier). */
  smallModel?: string;
}

export class OpenCodeConfigError extends Error {}

/**
 * Every name of the running config that OpenCode can chat with, routers first (in config order),
 * then the chat models, then visible aliases; embedding and other non-chat models are left out.
 */
export function openCodeModelNames(configuration: GatewayConfiguration): {
  routers: string[];
  models: string[];
} {
  const routers = configuration.routers.map((router) => router.name);
  const models = configuration
    .modelList()
    .filter((item) => item.kind !== 'router')
    .map((item) => item.name)
    .filter((name) => {
      const deployments = configuration.deploymentsFor(name);
      if (deployments.length === 0) return configuration.router(name) !== undefined;
      return deployments.some((deployment) => deployment.mode === 'chat' || deployment.mode === 'completion');
    });
  return { routers, models };
}

/** The `opencode.json` provider block for this gateway, in the shape of the user's `opencode.jsonc`. */
export function buildOpenCodeConfig(
  configuration: GatewayConfiguration,
  options: OpenCodeConfigOptions,
): OpenCodeConfig {
  const providerName = options.providerName ?? DEFAULT_OPENCODE_PROVIDER;
  if (!/^[A-Za-z0-9_-]+$/.test(providerName)) {
    throw new OpenCodeConfigError(
      `provider must be letters, digits, "_" or "-" (it becomes "<provider>/<model>" in OpenCode); got "${providerName}"`,
    );
  }
  const { routers, models } = openCodeModelNames(configuration);
  const names = [...routers, ...models];
  if (names.length === 0) throw new OpenCodeConfigError('the running config has no chat model');
  const pick = (requested: string | undefined, fallback: string, parameter: string): string => {
    if (requested === undefined) return fallback;
    if (!names.includes(requested)) {
      throw new OpenCodeConfigError(
        `${parameter} "${requested}" is not a chat model or router of this gateway`,
      );
    }
    return requested;
  };
  const model = pick(options.model, names[0], 'model');
  const smallModel = pick(options.smallModel, model, 'small_model');
  const entries: [string, { name: string }][] = [
    ...routers.map((name): [string, { name: string }] => [name, { name: routerLabel(configuration, name) }]),
    ...models.map((name): [string, { name: string }] => [name, { name: `${name} via Switchyard` }]),
  ];
  return {
    $schema: OPENCODE_SCHEMA_URL,
    provider: {
      [providerName]: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Switchyard',
        options: {
          baseURL: `${options.gatewayUrl.replace(/\/+$/, '')}/v1`,
          apiKey: OPENCODE_API_KEY_REFERENCE,
        },
        models: Object.fromEntries(entries),
      },
    },
    model: `${providerName}/${model}`,
    small_model: `${providerName}/${smallModel}`,
  };
}

/** `frontier-router (router: gpt-5.4-mini → claude-sonnet-4-6 → gpt-5.5 → claude-opus-4-8)`. */
function routerLabel(configuration: GatewayConfiguration, name: string): string {
  const router = configuration.router(name);
  if (!router) return `${name} (router)`;
  const tiers = TIERS.flatMap((tier) => {
    const pool = router.config.tiers[tier];
    if (pool === undefined) return [];
    return [typeof pool === 'string' ? pool : pool.join(' | ')];
  });
  return `${name} (router: ${tiers.join(' → ')})`;
}
