import type { ComplexityRouterConfig } from '@switchyard/complexity/router-config';
import type { ConfigString, Environment } from './env-ref';
import { resolveConfigString, tryResolveConfigString } from './env-ref';
import type {
  GeneralSettings,
  LitellmParams,
  LitellmSettings,
  ModelInfo,
  RouterSettings,
} from './gateway-config.schema';
import type { ProviderDefinition, ProviderRegistry } from './provider-registry';

/** Prices written in the config (per token, US dollars); each one wins over the bundled price data. */
export interface ExplicitPrices {
  inputPerToken?: number;
  outputPerToken?: number;
  cacheReadPerToken?: number;
  cacheWritePerToken?: number;
  reasoningPerToken?: number;
}

/** One `model_list` entry that calls a provider. */
export interface Deployment {
  /** stable id: `model_info.id`, or a hash of the entry (never of its key). */
  id: string;
  /** position in `model_list`, for messages. */
  index: number;
  modelName: string;
  provider: ProviderDefinition;
  /** the provider's model id, e.g. `gpt-5.4-mini` for `openai/gpt-5.4-mini`. */
  providerModel: string;
  /** `litellm_params.model` as written. */
  litellmModel: string;
  apiKey: ConfigString | null;
  apiBase: ConfigString | null;
  prices: ExplicitPrices;
  maxInputTokens: number | null;
  maxOutputTokens: number | null;
  mode: NonNullable<ModelInfo['mode']>;
  healthCheckDisabled: boolean;
  params: LitellmParams;
  modelInfo: ModelInfo;
}

/** One `model_list` entry whose model is `auto_router/complexity_router`. */
export interface RouterDefinition {
  name: string;
  index: number;
  config: ComplexityRouterConfig;
  modelInfo: ModelInfo;
}

export interface ModelListItem {
  name: string;
  kind: 'deployment' | 'router' | 'alias';
}

/**
 * The loaded gateway configuration: what every service reads. Secrets stay `EnvRef`s until a
 * service resolves them with `resolve()`.
 */
export class GatewayConfiguration {
  private readonly deploymentsByName = new Map<string, Deployment[]>();
  private readonly deploymentsById = new Map<string, Deployment>();
  private readonly routersByName = new Map<string, RouterDefinition>();

  constructor(
    readonly source: string,
    readonly deployments: readonly Deployment[],
    readonly routers: readonly RouterDefinition[],
    readonly aliases: ReadonlyMap<string, { target: string; hidden: boolean }>,
    readonly generalSettings: GeneralSettings,
    readonly litellmSettings: LitellmSettings,
    readonly routerSettings: RouterSettings,
    readonly providers: ProviderRegistry,
    readonly environment: Environment,
  ) {
    for (const deployment of deployments) {
      const group = this.deploymentsByName.get(deployment.modelName) ?? [];
      group.push(deployment);
      this.deploymentsByName.set(deployment.modelName, group);
      this.deploymentsById.set(deployment.id, deployment);
    }
    for (const router of routers) this.routersByName.set(router.name, router);
  }

  /** Every callable name in config order: models, routers, then visible aliases. */
  modelList(): ModelListItem[] {
    const seen = new Set<string>();
    const items: ModelListItem[] = [];
    const entries = [
      ...this.deployments.map((deployment) => ({
        index: deployment.index,
        name: deployment.modelName,
        kind: 'deployment' as const,
      })),
      ...this.routers.map((router) => ({ index: router.index, name: router.name, kind: 'router' as const })),
    ].sort((left, right) => left.index - right.index);
    for (const entry of entries) {
      if (seen.has(entry.name)) continue;
      seen.add(entry.name);
      items.push({ name: entry.name, kind: entry.kind });
    }
    for (const [alias, { hidden }] of this.aliases) {
      if (!hidden && !seen.has(alias)) items.push({ name: alias, kind: 'alias' });
    }
    return items;
  }

  /** Resolves an alias to its target name; other names are returned as they are. */
  canonicalName(name: string): string {
    return this.aliases.get(name)?.target ?? name;
  }

  deploymentsFor(modelName: string): readonly Deployment[] {
    return this.deploymentsByName.get(this.canonicalName(modelName)) ?? [];
  }

  deployment(id: string): Deployment | undefined {
    return this.deploymentsById.get(id);
  }

  router(name: string): RouterDefinition | undefined {
    return this.routersByName.get(this.canonicalName(name));
  }

  /** Provider instance names that at least one deployment uses. */
  providersInUse(): string[] {
    return [...new Set(this.deployments.map((deployment) => deployment.provider.name))];
  }

  resolve(value: ConfigString): string {
    return resolveConfigString(value, this.environment, this.source);
  }

  tryResolve(value: ConfigString | undefined): string | undefined {
    return tryResolveConfigString(value, this.environment);
  }

  /** The deployment's key: its `api_key`, else the provider's key variable. Throws naming both when unset. */
  apiKeyOf(deployment: Deployment): string {
    if (deployment.apiKey !== null) return this.resolve(deployment.apiKey);
    const fromEnvironment = this.environment[deployment.provider.apiKeyEnv];
    if (!fromEnvironment) {
      throw new Error(
        `model_list[${deployment.index}] (${deployment.modelName}): no api_key and ${deployment.provider.apiKeyEnv} is not set`,
      );
    }
    return fromEnvironment;
  }

  /** The deployment's base URL: `api_base`, else the provider's base override variable, else its default. */
  apiBaseOf(deployment: Deployment): string {
    if (deployment.apiBase !== null) return this.resolve(deployment.apiBase).replace(/\/+$/, '');
    const override = deployment.provider.apiBaseEnv
      ? this.environment[deployment.provider.apiBaseEnv]
      : undefined;
    return (override || deployment.provider.defaultBaseUrl).replace(/\/+$/, '');
  }
}
