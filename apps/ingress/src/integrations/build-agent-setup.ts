import type { GatewayConfiguration } from '@switchyard/config';
import { openCodeModelNames } from './build-opencode-config';

/**
 * The variable every agent's setup reads the key from (the same one OpenCode's config names), so
 * one `export LITELLM_API_KEY=…` serves all of them and no file or line of ours holds a key.
 */
export const AGENT_API_KEY_VARIABLE = 'LITELLM_API_KEY';
export const DEFAULT_CODEX_PROVIDER = 'switchyard';
/** Gemini CLI's `~/.gemini/settings.json`: use an API key (`GEMINI_API_KEY`), not a Google login. */
export const GEMINI_CLI_SETTINGS = { security: { auth: { selectedType: 'gemini-api-key' } } } as const;

export interface AgentSetupOptions {
  /** the gateway's URL as the client reached it, without a trailing slash. */
  gatewayUrl: string;
  /** the agent's model; default: the first router (the first chat model when there is none). */
  model?: string;
}

export class AgentSetupError extends Error {}

/** Every name of the running config an agent can chat with, routers first; `requested` checked against them. */
function chooseModel(configuration: GatewayConfiguration, requested: string | undefined, parameter: string) {
  const { routers, models } = openCodeModelNames(configuration);
  const names = [...routers, ...models];
  if (names.length === 0) throw new AgentSetupError('the running config has no chat model');
  if (requested === undefined) return names[0];
  if (!names.includes(requested)) {
    throw new AgentSetupError(`${parameter} "${requested}" is not a chat model or router of this gateway`);
  }
  return requested;
}

/** A TOML basic string (JSON's escapes are TOML's). */
const tomlString = (value: string): string => JSON.stringify(value);

/** A shell word in single quotes, so a name is never expanded or split. */
const shellWord = (value: string): string =>
  /^[A-Za-z0-9_./:@-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;

const keyReference = `"$${AGENT_API_KEY_VARIABLE}"`;

/**
 * Codex CLI's `~/.codex/config.toml` for this gateway: a `[model_providers.<provider>]` block on
 * the Responses API (`wire_api = "responses"`, the only one Codex 0.171 accepts) at
 * `<gateway>/v1`, the key read from `$LITELLM_API_KEY` (`env_key`), and the two top-level lines
 * that select it. Top-level keys come first, as TOML puts every key after a table header in that table.
 */
export function buildCodexConfig(
  configuration: GatewayConfiguration,
  options: AgentSetupOptions & { providerName?: string },
): string {
  const providerName = options.providerName ?? DEFAULT_CODEX_PROVIDER;
  if (!/^[A-Za-z0-9_-]+$/.test(providerName)) {
    throw new AgentSetupError(
      `provider must be letters, digits, "_" or "-" (it becomes [model_providers.<provider>] in config.toml); got "${providerName}"`,
    );
  }
  const model = chooseModel(configuration, options.model, 'model');
  return [
    `# Switchyard for Codex CLI: ~/.codex/config.toml (Codex reads the key from $${AGENT_API_KEY_VARIABLE})`,
    `model_provider = ${tomlString(providerName)}`,
    `model = ${tomlString(model)}`,
    '',
    `[model_providers.${providerName}]`,
    'name = "Switchyard"',
    `base_url = ${tomlString(`${options.gatewayUrl.replace(/\/+$/, '')}/v1`)}`,
    `env_key = ${tomlString(AGENT_API_KEY_VARIABLE)}`,
    'wire_api = "responses"',
    '',
  ].join('\n');
}

/**
 * Gemini CLI's environment: `GOOGLE_GEMINI_BASE_URL` (the gateway's root: the CLI adds
 * `/v1beta/models/…`), `GEMINI_API_KEY` from `$LITELLM_API_KEY`, `GEMINI_MODEL`; the CLI also needs
 * {@link GEMINI_CLI_SETTINGS} in `~/.gemini/settings.json`.
 */
export function buildGeminiCliEnvironment(
  configuration: GatewayConfiguration,
  options: AgentSetupOptions,
): string {
  const model = chooseModel(configuration, options.model, 'model');
  return [
    '# Switchyard for Gemini CLI (and ~/.gemini/settings.json from GET /integrations/gemini-cli/settings.json)',
    `export GOOGLE_GEMINI_BASE_URL=${shellWord(options.gatewayUrl.replace(/\/+$/, ''))}`,
    `export GEMINI_API_KEY=${keyReference}`,
    `export GEMINI_MODEL=${shellWord(model)}`,
    '',
  ].join('\n');
}

/**
 * Claude Code's environment: `ANTHROPIC_BASE_URL` (the gateway's root: Claude Code adds
 * `/v1/messages`), `ANTHROPIC_AUTH_TOKEN` from `$LITELLM_API_KEY`, `ANTHROPIC_MODEL` and
 * `ANTHROPIC_DEFAULT_HAIKU_MODEL` (its background asks; default: the same model, since a router
 * sends those to its cheapest tier).
 */
export function buildClaudeCodeEnvironment(
  configuration: GatewayConfiguration,
  options: AgentSetupOptions & { smallModel?: string },
): string {
  const model = chooseModel(configuration, options.model, 'model');
  const smallModel =
    options.smallModel === undefined ? model : chooseModel(configuration, options.smallModel, 'small_model');
  return [
    '# Switchyard for Claude Code',
    `export ANTHROPIC_BASE_URL=${shellWord(options.gatewayUrl.replace(/\/+$/, ''))}`,
    `export ANTHROPIC_AUTH_TOKEN=${keyReference}`,
    `export ANTHROPIC_MODEL=${shellWord(model)}`,
    `export ANTHROPIC_DEFAULT_HAIKU_MODEL=${shellWord(smallModel)}`,
    '',
  ].join('\n');
}
