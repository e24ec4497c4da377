import type { UsageEvent } from '@switchyard/contracts';

/** Texts of a trimmed event are cut to this many characters (ids are far shorter). */
const TRIMMED_TEXT_CHARACTERS = 256;

/**
 * A usage event too large for one bus message, made small: it keeps its ids, key, model, tokens
 * and costs (the ledger still charges it), loses `user` and `metadata`, and has its other texts
 * cut; `metadata` marks it (`switchyard_trimmed`, with the size it had) so the row says why.
 */
export function trimUsageEvent(event: UsageEvent, originalBytes: number | null): UsageEvent {
  const clip = (text: string) => text.slice(0, TRIMMED_TEXT_CHARACTERS);
  const clipNullable = (text: string | null) => (text === null ? null : clip(text));
  return {
    ...event,
    requestId: clip(event.requestId),
    errorType: clipNullable(event.errorType),
    modelGroup: clip(event.modelGroup),
    model: clip(event.model),
    deploymentId: clipNullable(event.deploymentId),
    provider: clip(event.provider),
    providerModel: clipNullable(event.providerModel),
    route: event.route === null ? null : { ...event.route, router: clip(event.route.router), dimensions: {} },
    keyId: clipNullable(event.keyId),
    sessionId: clipNullable(event.sessionId),
    user: null,
    metadata: {
      switchyard_trimmed: {
        reason: 'the usage event was larger than one bus message; user and metadata were dropped',
        bytes: originalBytes,
      },
    },
  };
}
