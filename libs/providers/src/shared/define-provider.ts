import type { Provider, ProviderSpec } from './spec';

/** A provider folder's one export. */
export function defineProvider<const Kind extends string>(spec: ProviderSpec<Kind>): Provider<Kind> {
  const { translators, ...declared } = spec;
  const onClock = (now: () => number): Provider<Kind> => ({
    ...declared,
    ...translators(now),
    withClock: onClock,
  });
  return onClock(Date.now);
}
