import { ConfigError } from './config-error';

const PREFIX = 'os.environ/';

/**
 * A config value written as `os.environ/NAME`. It stays a reference until a service that needs
 * it resolves it, so a provider key that is missing stops the dispatcher that uses it and no other
 * service.
 */
export class EnvRef {
  constructor(
    readonly name: string,
    /** where it was written, e.g. `model_list[3].litellm_params.api_key`. */
    readonly path: string,
  ) {}

  toJSON(): string {
    return `${PREFIX}${this.name}`;
  }
}

/** A string from the config: literal, or a reference to the environment. */
export type ConfigString = string | EnvRef;

export function isEnvRefString(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

/** Replaces every `os.environ/NAME` string in a parsed document with an `EnvRef` carrying its path. */
export function markEnvRefs(value: unknown, path = ''): unknown {
  if (isEnvRefString(value)) return new EnvRef(value.slice(PREFIX.length), path);
  if (Array.isArray(value)) return value.map((item, index) => markEnvRefs(item, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, markEnvRefs(item, path ? `${path}.${key}` : key)]),
    );
  }
  return value;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** The value, or the named environment variable's; an unset or empty variable is an error naming both. */
export function resolveConfigString(
  value: ConfigString,
  environment: Environment,
  source = 'config',
): string {
  if (typeof value === 'string') return value;
  const resolved = environment[value.name];
  if (resolved === undefined || resolved === '') {
    throw new ConfigError(
      [
        `${value.path}: environment variable ${value.name} is not set (the config says os.environ/${value.name}); set it in .env or the environment`,
      ],
      source,
    );
  }
  return resolved;
}

/** Like `resolveConfigString`, but an unset variable gives `undefined`. */
export function tryResolveConfigString(
  value: ConfigString | undefined,
  environment: Environment,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  const resolved = environment[value.name];
  return resolved === '' ? undefined : resolved;
}
