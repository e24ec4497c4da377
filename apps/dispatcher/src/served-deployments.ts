import {
  ConfigError,
  type Deployment,
  type GatewayConfiguration,
  type ProviderKind,
  reasoningTokensRuleAt,
} from '@switchyard/config';
import { type ModelPrices, pricesOf, requestDefaultsOf, type UpstreamTarget } from '@switchyard/providers';
import type { UpstreamTimeouts } from './upstream-client';

const DEFAULT_NUM_RETRIES = 2;
const DEFAULT_TIMEOUT_S = 600;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;

/** A deployment this dispatcher serves, with its secrets resolved and its limits computed once. */
export interface ServedDeployment {
  deployment: Deployment;
  kind: ProviderKind;
  target: UpstreamTarget;
  prices: ModelPrices | null;
  numRetries: number;
  timeouts: { chat: UpstreamTimeouts; stream: UpstreamTimeouts };
}

/**
 * Which provider instances this process serves (`PROVIDERS`), and their deployments resolved from
 * the config and this process's environment. A missing key stops the dispatcher at start with the
 * variable named, and no other service cares.
 */
export class ServedDeployments {
  private readonly byId = new Map<string, ServedDeployment>();

  constructor(
    readonly providers: readonly string[],
    configuration: GatewayConfiguration,
  ) {
    const problems: string[] = [];
    for (const deployment of configuration.deployments) {
      if (!providers.includes(deployment.provider.name)) continue;
      try {
        this.byId.set(deployment.id, serve(deployment, configuration));
      } catch (error) {
        problems.push(error instanceof ConfigError ? error.problems.join('; ') : (error as Error).message);
      }
    }
    if (problems.length > 0) throw new ConfigError(problems, configuration.source);
  }

  get(deploymentId: string): ServedDeployment | undefined {
    return this.byId.get(deploymentId);
  }

  get size(): number {
    return this.byId.size;
  }

  /** `PROVIDERS=openai,anthropic` → those; `all` → every provider the config uses. */
  static parseProviders(value: string, configuration: GatewayConfiguration): string[] {
    const requested =
      value.trim() === '' || value.trim() === 'all' ? configuration.providersInUse() : value.split(',');
    const names = requested.map((name) => name.trim()).filter(Boolean);
    const unknown = names.filter((name) => !configuration.providers.get(name));
    if (unknown.length > 0) {
      throw new ConfigError(
        [
          `PROVIDERS: unknown provider ${unknown.map((name) => `"${name}"`).join(', ')} (known: ${configuration.providers.names().join(', ')})`,
        ],
        'environment',
      );
    }
    return [...new Set(names)];
  }
}

function serve(deployment: Deployment, configuration: GatewayConfiguration): ServedDeployment {
  const params = deployment.params;
  const litellm = configuration.litellmSettings;
  const router = configuration.routerSettings;
  const timeoutS = params.timeout ?? router.timeout ?? litellm.request_timeout ?? DEFAULT_TIMEOUT_S;
  const streamTimeoutS = params.stream_timeout ?? timeoutS;
  const apiBase = configuration.apiBaseOf(deployment);
  return {
    deployment,
    kind: deployment.provider.kind,
    target: {
      provider: deployment.provider.name,
      providerModel: deployment.providerModel,
      apiBase,
      apiKey: configuration.apiKeyOf(deployment),
      paramMappings: deployment.provider.custom?.param_mappings,
      // providers.json's explicit rule wins; else the rule of the host this deployment calls
      reasoningTokens:
        deployment.provider.custom?.reasoning_tokens ??
        reasoningTokensRuleAt(apiBase, deployment.provider.reasoningTokens),
      defaults: requestDefaultsOf(params),
    },
    prices: pricesOf(deployment),
    numRetries:
      params.num_retries ??
      params.max_retries ??
      router.num_retries ??
      litellm.num_retries ??
      DEFAULT_NUM_RETRIES,
    timeouts: {
      chat: {
        connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
        firstByteTimeoutMs: timeoutS * 1000,
        idleTimeoutMs: timeoutS * 1000,
      },
      stream: {
        connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
        firstByteTimeoutMs: streamTimeoutS * 1000,
        idleTimeoutMs: Math.min(streamTimeoutS * 1000, DEFAULT_STREAM_IDLE_TIMEOUT_MS),
      },
    },
  };
}
