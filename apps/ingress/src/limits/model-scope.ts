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

/** One list of models a virtual key's call must be allowed by, and how a refusal names it. */
export interface ModelScope {
  models: readonly string[];
  refusal(name: string): string;
}

/**
 * The model lists a caller calls within: its key's, its team's and its internal user's (none for
 * the master key). `callerMayCall` and the admission's refusals read the same list.
 */
export function modelScopesOf(caller: Caller | null | undefined): ModelScope[] {
  if (caller?.kind !== 'virtual') return [];
  const { key, grants } = caller;
  const scopes: ModelScope[] = [
    {
      models: key.models,
      refusal: (name) =>
        `This key may not call "${name}"; the models it may call are: ${key.models.join(', ')}.`,
    },
  ];
  const team = grants?.team;
  if (team) {
    scopes.push({
      models: team.models,
      refusal: (name) =>
        `This key's ${team.label} may not call "${name}"; the models the team may call are: ${team.models.join(', ')}.`,
    });
  }
  const user = grants?.user;
  if (user) {
    const models = user.models ?? [];
    scopes.push({
      models,
      refusal: (name) =>
        `This key's ${user.label} may not call "${name}"; the models the user may call are: ${models.join(', ')}.`,
    });
  }
  return scopes;
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
  return modelScopesOf(caller).every((scope) => mayCall(scope.models, name, configuration));
}
