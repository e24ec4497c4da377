import type { GatewayConfiguration } from '@switchyard/config';

/** Scope entries that mean "every model" (LiteLLM's `all-proxy-models`, and `*`). */
const EVERYTHING = new Set(['*', 'all-proxy-models']);

/**
 * Whether a key whose `models` are `scope` may call `name`. The scope names models, routers or
 * aliases; an alias and its target stand for each other; an empty scope allows everything. A
 * router in the scope allows the router (whatever tier model it picks), not its models directly.
 */
export function mayCall(
  scope: readonly string[],
  name: string,
  configuration: GatewayConfiguration,
): boolean {
  if (scope.length === 0 || scope.some((entry) => EVERYTHING.has(entry))) return true;
  const canonical = configuration.canonicalName(name);
  return scope.some((entry) => entry === name || configuration.canonicalName(entry) === canonical);
}
