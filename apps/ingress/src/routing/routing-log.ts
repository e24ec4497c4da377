import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { BusNamespace, encodeJson } from '@switchyard/bus';
import { extractAsk } from '@switchyard/complexity/ask';
import type { GatewayConfiguration } from '@switchyard/config';
import {
  type ChatCompletionRequest,
  ROUTED_ASK_MAX_CHARS,
  type RoutingLogRecord,
  Subjects,
  type Tier,
} from '@switchyard/contracts';
import type { ChatCallContext } from '../http/chat-context';
import { BUS_CONNECTION, GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import type { ResolvedModel } from './resolve-model';

export const DEFAULT_ROUTING_LOG_RETENTION_DAYS = 30;
const PUBLISH_ATTEMPTS = 4;

/**
 * The owner's loop, ingress side (`general_settings.routing_log`, off by default): after a router
 * decided, the ask's text and the decision are published on `usage.routing.asks.v1` (stream
 * `USAGE`, message id from the call id, so a retry is deduplicated) for the ledger to store. While
 * the setting is off nothing is published, so no ask text ever travels on the bus. A key whose
 * metadata says `routing_log: false` is never logged. A request of a session that names a router's
 * tier model itself is published too (without a decision): the ledger may take it as an implicit
 * label of the session's previous ask. Never blocks the call: a failed publish is retried a few
 * times, then dropped with a warning (the log is not billing).
 */
@Injectable()
export class RoutingLog {
  private readonly logger = new Logger(RoutingLog.name);
  readonly enabled: boolean;
  private readonly retentionMs: number;
  /** model name → the routers whose tiers name it, with that tier. */
  private readonly tiersOfModel = new Map<string, { router: string; tier: Tier }[]>();

  constructor(
    @Inject(GATEWAY_CONFIGURATION) configuration: GatewayConfiguration,
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(BusNamespace) private readonly namespace: BusNamespace,
  ) {
    const settings = configuration.generalSettings;
    this.enabled = settings.routing_log === true;
    this.retentionMs =
      (settings.routing_log_retention_days ?? DEFAULT_ROUTING_LOG_RETENTION_DAYS) * 24 * 3600 * 1000;
    for (const router of configuration.routers) {
      for (const [tier, pool] of Object.entries(router.config.tiers) as [Tier, string | string[]][]) {
        for (const model of typeof pool === 'string' ? [pool] : pool) {
          const entries = this.tiersOfModel.get(model) ?? [];
          entries.push({ router: router.name, tier });
          this.tiersOfModel.set(model, entries);
        }
      }
    }
  }

  /** Publishes what the log keeps of this call, if anything; returns at once. */
  record(request: ChatCompletionRequest, resolved: ResolvedModel, context: ChatCallContext): void {
    if (!this.enabled || optedOut(context)) return;
    const record = this.recordOf(request, resolved, context);
    if (record === null) return;
    this.publish(record).catch(() => undefined);
  }

  private recordOf(
    request: ChatCompletionRequest,
    resolved: ResolvedModel,
    context: ChatCallContext,
  ): RoutingLogRecord | null {
    const decision = resolved.decision;
    if (decision !== null && decision.cause === 'housekeeping') return null;
    if (decision === null && (context.sessionId === null || !this.tiersOfModel.has(resolved.modelName))) {
      return null;
    }
    const ask = extractAsk(request.messages);
    if (ask === null) return null;
    const now = Date.now();
    const keyId = context.caller.kind === 'virtual' ? context.caller.keyId : null;
    const text = ask.slice(0, ROUTED_ASK_MAX_CHARS);
    if (decision === null) {
      return {
        kind: 'explicit',
        requestId: context.callId,
        at: new Date(now).toISOString(),
        model: resolved.modelName,
        tiers: this.tiersOfModel.get(resolved.modelName) ?? [],
        ask: text,
        sessionId: context.sessionId!,
        keyId,
      };
    }
    return {
      kind: 'routed',
      requestId: context.callId,
      at: new Date(now).toISOString(),
      expiresAt: new Date(now + this.retentionMs).toISOString(),
      router: decision.router,
      tier: decision.tier,
      score: decision.score,
      cause: decision.cause,
      complexityTier: decision.complexity.tier,
      model: decision.model,
      dimensions: decision.dimensions,
      ask: text,
      sessionId: context.sessionId,
      keyId,
      teamId: context.caller.kind === 'virtual' ? (context.caller.key.team_id ?? null) : null,
    };
  }

  private async publish(record: RoutingLogRecord): Promise<void> {
    const subject = this.namespace.subject(Subjects.routingLog);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.connection.jetstream().publish(subject, encodeJson(record), {
          msgID: `routing-log-${record.requestId}`,
        });
        return;
      } catch (error) {
        if (attempt >= PUBLISH_ATTEMPTS) {
          this.logger.warn(
            `could not log the routed ask of request ${record.requestId} (${(error as Error).message})`,
          );
          return;
        }
        await sleep(250 * 2 ** attempt);
      }
    }
  }
}

/** A key opts out with `metadata.routing_log: false`. */
function optedOut(context: ChatCallContext): boolean {
  return context.caller.kind === 'virtual' && context.caller.key.metadata.routing_log === false;
}
