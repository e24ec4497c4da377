import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import {
  COMPLEXITY_ROUTER_MODEL,
  ComplexityRouterConfig,
  referencedModels,
} from '@switchyard/complexity/router-config';
import { ConfigError } from './config-error';
import { type Environment, markEnvRefs } from './env-ref';
import { formatIssues } from './format-issues';
import { GatewayConfigDocument, type ModelListEntry } from './gateway-config.schema';
import { type Deployment, GatewayConfiguration, type RouterDefinition } from './gateway-configuration';
import { ProviderRegistry } from './provider-registry';
import { ProvidersFile } from './providers-file';

export interface LoadGatewayConfigOptions {
  /** path of the LiteLLM-format YAML. */
  configPath: string;
  /** path of `providers.json`; default: the one beside the config file, if any. */
  providersPath?: string;
  environment: Environment;
}

/** Reads and validates the gateway config and its `providers.json`. Throws `ConfigError` naming every problem. */
export function loadGatewayConfig(options: LoadGatewayConfigOptions): GatewayConfiguration {
  const configPath = resolve(options.configPath);
  if (!existsSync(configPath)) {
    throw new ConfigError([`file not found; set GATEWAY_CONFIG to a LiteLLM-format YAML file`], configPath);
  }
  const besideConfig = join(dirname(configPath), 'providers.json');
  const providersPath = options.providersPath ?? (existsSync(besideConfig) ? besideConfig : undefined);
  const providersText = providersPath === undefined ? undefined : readProviders(providersPath);
  return parseGatewayConfig(readFileSync(configPath, 'utf8'), {
    source: configPath,
    providersText,
    providersSource: providersPath,
    environment: options.environment,
  });
}

function readProviders(path: string): string {
  if (!existsSync(path)) throw new ConfigError(['file not found; fix GATEWAY_PROVIDERS or remove it'], path);
  return readFileSync(path, 'utf8');
}

export interface ParseGatewayConfigOptions {
  source: string;
  providersText?: string;
  providersSource?: string;
  environment: Environment;
}

export function parseProvidersFile(text: string, source: string): ProvidersFile {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`not valid JSON (${(error as Error).message})`], source);
  }
  const parsed = ProvidersFile.safeParse(document);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error), source);
  return parsed.data;
}

export function parseGatewayConfig(
  yamlText: string,
  options: ParseGatewayConfigOptions,
): GatewayConfiguration {
  const { source } = options;
  const customProviders =
    options.providersText === undefined
      ? {}
      : parseProvidersFile(options.providersText, options.providersSource ?? 'providers.json');
  const providers = new ProviderRegistry(customProviders);

  let raw: unknown;
  try {
    raw = parseYaml(yamlText, { prettyErrors: true });
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
    throw new ConfigError([`not valid YAML: ${detail}`], source);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(['(top level): expected a mapping with model_list'], source);
  }
  const parsed = GatewayConfigDocument.safeParse(markEnvRefs(raw));
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error), source);
  const document = parsed.data;

  const problems: string[] = [];
  const deployments: Deployment[] = [];
  const routers: RouterDefinition[] = [];
  document.model_list.forEach((entry, index) => {
    const path = `model_list[${index}]`;
    if (entry.litellm_params.model === COMPLEXITY_ROUTER_MODEL) {
      const router = parseRouter(entry, index, dirname(source), problems);
      if (router) routers.push(router);
      return;
    }
    const deployment = parseDeployment(entry, index, providers, problems);
    if (deployment) deployments.push(deployment);
    if (entry.litellm_params.complexity_router_config !== undefined) {
      problems.push(
        `${path}.litellm_params.complexity_router_config: only allowed when model is "${COMPLEXITY_ROUTER_MODEL}"`,
      );
    }
  });

  const deploymentNames = new Set(deployments.map((deployment) => deployment.modelName));
  const ids = new Map<string, number>();
  for (const deployment of deployments) {
    const previous = ids.get(deployment.id);
    if (previous !== undefined) {
      problems.push(
        `model_list[${deployment.index}].model_info.id: "${deployment.id}" is also the id of model_list[${previous}]; ids must be unique`,
      );
    }
    ids.set(deployment.id, deployment.index);
  }
  const routerNames = new Set<string>();
  for (const router of routers) {
    const path = `model_list[${router.index}].litellm_params.complexity_router_config`;
    if (deploymentNames.has(router.name) || routerNames.has(router.name)) {
      problems.push(
        `model_list[${router.index}].model_name: "${router.name}" is used by another entry; a router needs a name of its own`,
      );
    }
    routerNames.add(router.name);
    for (const reference of referencedModels(router.config)) {
      if (!deploymentNames.has(reference.model)) {
        problems.push(
          `${path}.${reference.path}: router "${router.name}" names "${reference.model}", which is not a model_name in model_list${closeNames(reference.model, [...deploymentNames])}`,
        );
      }
    }
  }

  const aliases = new Map<string, { target: string; hidden: boolean }>();
  for (const [alias, target] of Object.entries(document.router_settings?.model_group_alias ?? {})) {
    const name = typeof target === 'string' ? target : target.model;
    if (!deploymentNames.has(name) && !routerNames.has(name)) {
      problems.push(
        `router_settings.model_group_alias.${alias}: "${name}" is not a model_name in model_list`,
      );
    }
    aliases.set(alias, {
      target: name,
      hidden: typeof target === 'string' ? false : (target.hidden ?? false),
    });
  }
  for (const [settings, label] of [
    [document.litellm_settings?.fallbacks, 'litellm_settings.fallbacks'],
    [document.router_settings?.fallbacks, 'router_settings.fallbacks'],
  ] as const) {
    (settings ?? []).forEach((rule, ruleIndex) => {
      for (const [from, targets] of Object.entries(rule)) {
        for (const name of [from, ...targets]) {
          if (!deploymentNames.has(name) && !routerNames.has(name) && !aliases.has(name)) {
            problems.push(`${label}[${ruleIndex}].${from}: "${name}" is not a model_name in model_list`);
          }
        }
      }
    });
  }

  // accepted and ignored, it would promise a fallback that never happens: refuse it, by name
  for (const [rules, label] of [
    [document.litellm_settings?.context_window_fallbacks, 'litellm_settings.context_window_fallbacks'],
    [document.router_settings?.context_window_fallbacks, 'router_settings.context_window_fallbacks'],
  ] as const) {
    if (rules !== undefined && rules.length > 0) {
      problems.push(
        `${label}: not supported by Switchyard; remove it. A request too long for a model is answered 400 context_length_exceeded; to move long requests to a larger model, call a complexity router (its capacity check picks a tier whose context window fits, docs/routing.md)`,
      );
    }
  }

  if (problems.length > 0) throw new ConfigError(problems, source);
  return new GatewayConfiguration(
    source,
    deployments,
    routers,
    aliases,
    document.general_settings ?? {},
    document.litellm_settings ?? {},
    document.router_settings ?? {},
    providers,
    options.environment,
  );
}

function parseDeployment(
  entry: ModelListEntry,
  index: number,
  providers: ProviderRegistry,
  problems: string[],
): Deployment | undefined {
  const path = `model_list[${index}].litellm_params.model`;
  const model = entry.litellm_params.model;
  const slash = model.indexOf('/');
  if (slash <= 0 || slash === model.length - 1) {
    problems.push(
      `${path}: "${model}" must be "<provider>/<model>", e.g. "openai/${model || 'gpt-5.4-mini'}" (known providers: ${providers.names().join(', ')})`,
    );
    return undefined;
  }
  const providerName = model.slice(0, slash);
  const provider = providers.get(providerName);
  if (!provider) {
    problems.push(`${path}: unknown provider "${providerName}" (known: ${providers.names().join(', ')})`);
    return undefined;
  }
  const params = entry.litellm_params;
  const info = entry.model_info ?? {};
  const { api_key: _apiKey, ...identifying } = params;
  const id =
    info.id ??
    createHash('sha256')
      .update(JSON.stringify({ model_name: entry.model_name, litellm_params: identifying }))
      .digest('hex')
      .slice(0, 16);
  return {
    id,
    index,
    modelName: entry.model_name,
    provider,
    providerModel: model.slice(slash + 1),
    litellmModel: model,
    apiKey: params.api_key ?? null,
    apiBase: params.api_base ?? null,
    prices: {
      inputPerToken: params.input_cost_per_token ?? info.input_cost_per_token,
      outputPerToken: params.output_cost_per_token ?? info.output_cost_per_token,
      cacheReadPerToken: params.cache_read_input_token_cost ?? info.cache_read_input_token_cost,
      cacheWritePerToken: params.cache_creation_input_token_cost ?? info.cache_creation_input_token_cost,
      reasoningPerToken: params.output_cost_per_reasoning_token ?? info.output_cost_per_reasoning_token,
    },
    maxInputTokens: info.max_input_tokens ?? info.max_tokens ?? null,
    maxOutputTokens: info.max_output_tokens ?? null,
    mode: info.mode ?? (/embed/i.test(model) ? 'embedding' : 'chat'),
    healthCheckDisabled: info.disable_background_health_check ?? false,
    params,
    modelInfo: info,
  };
}

function parseRouter(
  entry: ModelListEntry,
  index: number,
  folder: string,
  problems: string[],
): RouterDefinition | undefined {
  const path = `model_list[${index}].litellm_params.complexity_router_config`;
  const raw = entry.litellm_params.complexity_router_config;
  if (raw === undefined || raw === null) {
    problems.push(`${path}: router "${entry.model_name}" needs a complexity_router_config with tiers`);
    return undefined;
  }
  const parsed = ComplexityRouterConfig.safeParse(raw);
  if (!parsed.success) {
    problems.push(...formatIssues(parsed.error, path, ` (router "${entry.model_name}")`));
    return undefined;
  }
  const config = parsed.data;
  if (config.learned_model_path !== undefined) {
    // relative to the config file, so a config and the weights trained for it travel together
    config.learned_model_path = resolve(folder, config.learned_model_path);
    if (!existsSync(config.learned_model_path)) {
      problems.push(
        `${path}.learned_model_path: no model file at ${config.learned_model_path} (router "${entry.model_name}"; npm run train:router -- --from-log --out FILE writes one)`,
      );
      return undefined;
    }
  }
  return { name: entry.model_name, index, config, modelInfo: entry.model_info ?? {} };
}

/** ` (did you mean "x"?)` for a name that is one or two edits away from a known one. */
export function closeNames(name: string, known: readonly string[]): string {
  const close = suggestNames(name, known);
  return close.length === 0 ? '' : ` (did you mean ${close.map((item) => `"${item}"`).join(' or ')}?)`;
}

/** Known names closest to `name` (edit distance, shared prefix), best first; at most three. */
export function suggestNames(name: string, known: readonly string[]): string[] {
  const lowered = name.toLowerCase();
  return known
    .map((candidate) => ({ candidate, distance: editDistance(lowered, candidate.toLowerCase()) }))
    .filter(
      ({ candidate, distance }) =>
        distance <= Math.max(2, Math.floor(name.length / 4)) ||
        candidate.toLowerCase().includes(lowered) ||
        lowered.includes(candidate.toLowerCase()),
    )
    .sort((left, right) => left.distance - right.distance)
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

function editDistance(left: string, right: string): number {
  const previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row += 1) {
    let diagonal = previous[0];
    previous[0] = row;
    for (let column = 1; column <= right.length; column += 1) {
      const above = previous[column];
      previous[column] = Math.min(
        previous[column] + 1,
        previous[column - 1] + 1,
        diagonal + (left[row - 1] === right[column - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return previous[right.length];
}
