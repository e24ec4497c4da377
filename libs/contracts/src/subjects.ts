/**
 * Every NATS subject, stream and queue group of Switchyard, declared once and versioned.
 * No subject string is typed anywhere else: use these.
 */
export const Subjects = {
  /** request/reply, served by the classifier (queue group `classifier`). */
  classify: 'classify.v1',
  /** request, answered by a stream of `DispatchReply` messages ending in `final` or `error`. */
  dispatchChat: (provider: string) => `dispatch.${provider}.chat.v1` as const,
  /** request, answered by a stream of `DispatchResponsesReply` (native Responses API, OpenAI). */
  dispatchResponses: (provider: string) => `dispatch.${provider}.responses.v1` as const,
  /** request/reply. */
  dispatchEmbed: (provider: string) => `dispatch.${provider}.embed.v1` as const,
  /** broadcast to every dispatcher of a provider: abort the named request if you hold it. */
  dispatchCancel: (provider: string) => `dispatch.${provider}.cancel.v1` as const,
  /** JetStream, stream `USAGE`; the message id is the event id. */
  usage: (provider: string) => `usage.${provider}.v1` as const,
  /** JetStream dead letters for usage messages the ledger could not parse. */
  usageDeadLetter: 'usage-dead.v1',
  /** request/reply (queue group `dispatch.<provider>`): check that one deployment's upstream answers. */
  dispatchProbe: (provider: string) => `dispatch.${provider}.probe.v1` as const,
  /** broadcast: a deployment failed too often and is cooling down; every ingress skips it until then. */
  deploymentCooldown: 'deployments.cooldown.v1',
  /** broadcast: a virtual key changed (revoked, updated); every ingress drops its cached record. */
  keysChanged: 'keys.changed.v1',
  /** request/reply, served by the ledger (queue group `ledger`): the key API. */
  keysGenerate: 'keys.generate.v1',
  keysUpdate: 'keys.update.v1',
  keysDelete: 'keys.delete.v1',
  keysInfo: 'keys.info.v1',
  keysList: 'keys.list.v1',
  keysRegenerate: 'keys.regenerate.v1',
  /** request/reply, served by the ledger: the record the ingress needs to authenticate a key hash. */
  keysLookup: 'keys.lookup.v1',
  /** request/reply, served by the ledger: teams, internal users and customers (`op` names which). */
  orgAdmin: 'org.admin.v1',
  /** request/reply, served by the ledger: spend logs (paginated) and reports (from the rollups). */
  spendLogs: 'spend.logs.v1',
  spendReport: 'spend.report.v1',
  /** request/reply, served by the ledger: per-day totals by provider, model, router and tier (the console). */
  spendDaily: 'spend.daily.v1',
  /** request/reply, served by the ledger: p50/p99 latency per deployment from recent usage rows. */
  spendLatency: 'spend.latency.v1',
  /**
   * JetStream, stream `USAGE` (so the ledger's consumer reads it): routed asks and explicit re-asks
   * for the owner's loop, published only while `general_settings.routing_log` is on. Four tokens,
   * so it never matches `usage.<provider>.v1`.
   */
  routingLog: 'usage.routing.asks.v1',
  /** request/reply, served by the ledger: list logged asks, label one (the owner's loop). */
  routedAsks: 'routing.asks.v1',
  /** request/reply, served by the ledger: stored Responses API responses (`op`: put, get, delete). */
  responsesStore: 'responses.store.v1',
} as const;

export const QueueGroups = {
  classifier: 'classifier',
  dispatch: (provider: string) => `dispatch.${provider}`,
  ledger: 'ledger',
} as const;

export const Streams = {
  usage: { name: 'USAGE', subjects: ['usage.>'] },
  usageDeadLetter: { name: 'USAGE_DEAD', subjects: ['usage-dead.v1'] },
} as const;

export const Consumers = {
  ledger: 'ledger',
} as const;

/** NATS header names carried on every hop. */
export const BusHeaders = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  requestId: 'x-request-id',
} as const;
