import type { GatewayConfiguration } from '@switchyard/config';
import type { Caller } from '../http/request-context';

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

/**
 * Whether a caller may call `name`: every scope it calls in must allow it (its key's models, its
 * team's, its internal user's). The master key may call everything. The model lists use this, so
 * a key sees exactly the models it may call.
 */
export function callerMayCall(
  caller: Caller | null | undefined,
  name: string,
  configuration: GatewayConfiguration,
): boolean {
  if (caller?.kind !== 'virtual') return true;
  const team = caller.grants?.team;
  const user = caller.grants?.user;
  return (
    mayCall(caller.key.models, name, configuration) &&
    (!team || mayCall(team.models, name, configuration)) &&
    (!user || mayCall(user.models ?? [], name, configuration))
  );
}
