import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Every Prometheus metric of Switchyard, declared once per service. Label sets stay small: model
 * groups, models, providers, tiers and statuses are bounded by the config; no key or user labels.
 */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const OVERHEAD_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];
const FAST_BUCKETS = [
  0.000005, 0.00001, 0.00002, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05,
];

export class IngressMetrics {
  readonly requests: Counter<'endpoint' | 'model_group' | 'model' | 'provider' | 'tier' | 'status'>;
  readonly requestDuration: Histogram<'endpoint' | 'stream'>;
  readonly overhead: Histogram<'endpoint' | 'stream'>;
  readonly cacheRequests: Counter<'result'>;
  readonly busRequestDuration: Histogram<'subject'>;
  readonly fallbacks: Counter<'model_group' | 'reason'>;
  readonly refusals: Counter<'reason'>;
  readonly inFlight: Gauge<'endpoint'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'switchyard_requests_total',
      help: 'Client requests by model group (the name called), model that answered, provider, router tier and HTTP status.',
      labelNames: ['endpoint', 'model_group', 'model', 'provider', 'tier', 'status'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'switchyard_request_duration_seconds',
      help: 'Time from request received to response complete.',
      labelNames: ['endpoint', 'stream'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.overhead = new Histogram({
      name: 'switchyard_gateway_overhead_seconds',
      help: 'Time spent in the gateway itself: request duration minus upstream time.',
      labelNames: ['endpoint', 'stream'],
      buckets: OVERHEAD_BUCKETS,
      registers,
    });
    this.cacheRequests = new Counter({
      name: 'switchyard_cache_requests_total',
      help: 'Response cache lookups by result (hit, miss, bypass, error).',
      labelNames: ['result'],
      registers,
    });
    this.busRequestDuration = new Histogram({
      name: 'switchyard_bus_request_duration_seconds',
      help: 'NATS request latency per subject (for dispatch: until the first reply).',
      labelNames: ['subject'],
      buckets: OVERHEAD_BUCKETS,
      registers,
    });
    this.fallbacks = new Counter({
      name: 'switchyard_fallbacks_total',
      help: 'Attempts moved to another deployment or fallback model before the first byte.',
      labelNames: ['model_group', 'reason'],
      registers,
    });
    this.refusals = new Counter({
      name: 'switchyard_refusals_total',
      help: 'Requests refused by the gateway (auth, scope, budget, rate limit, validation).',
      labelNames: ['reason'],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'switchyard_ingress_in_flight_requests',
      help: 'Requests the ingress is handling now.',
      labelNames: ['endpoint'],
      registers,
    });
  }
}

export class DispatcherMetrics {
  readonly attempts: Counter<'provider' | 'model' | 'status'>;
  readonly upstreamLatency: Histogram<'provider' | 'model' | 'stream'>;
  readonly timeToFirstToken: Histogram<'provider' | 'model'>;
  readonly tokens: Counter<'provider' | 'model' | 'kind'>;
  readonly spend: Counter<'provider' | 'model'>;
  readonly routerSpend: Counter<'router' | 'tier'>;
  readonly routerBaselineSpend: Counter<'router'>;
  readonly inFlight: Gauge<'provider'>;
  readonly retries: Counter<'provider' | 'reason'>;
  readonly cooldowns: Counter<'provider' | 'deployment'>;
  readonly usagePublishFailures: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.attempts = new Counter({
      name: 'switchyard_upstream_attempts_total',
      help: 'Upstream attempts by provider, model and outcome (HTTP status, or error class).',
      labelNames: ['provider', 'model', 'status'],
      registers,
    });
    this.upstreamLatency = new Histogram({
      name: 'switchyard_upstream_latency_seconds',
      help: 'Upstream call duration, from request sent to last byte.',
      labelNames: ['provider', 'model', 'stream'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.timeToFirstToken = new Histogram({
      name: 'switchyard_time_to_first_token_seconds',
      help: 'Streaming: time from request sent to the first content token.',
      labelNames: ['provider', 'model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.tokens = new Counter({
      name: 'switchyard_tokens_total',
      help: 'Tokens by kind: input_fresh, input_cache_read, input_cache_write, output, output_reasoning.',
      labelNames: ['provider', 'model', 'kind'],
      registers,
    });
    this.spend = new Counter({
      name: 'switchyard_spend_usd_total',
      help: 'Spend in US dollars (models with a known price).',
      labelNames: ['provider', 'model'],
      registers,
    });
    this.routerSpend = new Counter({
      name: 'switchyard_router_spend_usd_total',
      help: 'Spend of routed requests by router and tier.',
      labelNames: ['router', 'tier'],
      registers,
    });
    this.routerBaselineSpend = new Counter({
      name: 'switchyard_router_baseline_spend_usd_total',
      help: "What routed requests would have cost on the router's most expensive tier model.",
      labelNames: ['router'],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'switchyard_dispatcher_in_flight_requests',
      help: 'Upstream calls this dispatcher is making now.',
      labelNames: ['provider'],
      registers,
    });
    this.retries = new Counter({
      name: 'switchyard_dispatcher_retries_total',
      help: 'Retries of one deployment after a retryable failure.',
      labelNames: ['provider', 'reason'],
      registers,
    });
    this.cooldowns = new Counter({
      name: 'switchyard_dispatcher_cooldowns_total',
      help: 'Deployments put in cooldown after repeated failures.',
      labelNames: ['provider', 'deployment'],
      registers,
    });
    this.usagePublishFailures = new Counter({
      name: 'switchyard_usage_publish_failures_total',
      help: 'Usage events whose JetStream publish failed (they are kept and retried).',
      registers,
    });
  }
}

export class ClassifierMetrics {
  readonly decisions: Counter<'router' | 'tier' | 'cause'>;
  readonly duration: Histogram<'router'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.decisions = new Counter({
      name: 'switchyard_classifier_decisions_total',
      help: 'Routing decisions by router, tier and cause.',
      labelNames: ['router', 'tier', 'cause'],
      registers,
    });
    this.duration = new Histogram({
      name: 'switchyard_classifier_duration_seconds',
      help: 'In-process time of one routing decision (scoring and capacity check).',
      labelNames: ['router'],
      buckets: FAST_BUCKETS,
      registers,
    });
  }
}

export class LedgerMetrics {
  readonly events: Counter<'result'>;
  readonly batchSize: Histogram;
  readonly insertDuration: Histogram;
  readonly lag: Histogram;
  readonly consumerPending: Gauge;
  readonly consumerOldestUnreadAge: Gauge;
  readonly writeFailures: Counter;
  readonly streamBytes: Gauge<'stream'>;
  readonly streamMaxBytes: Gauge<'stream'>;
  readonly streamMessages: Gauge<'stream'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.events = new Counter({
      name: 'switchyard_ledger_events_total',
      help: 'Usage events handled: written, duplicate (already stored), dead_letter (unreadable or refused by Postgres), minimal_row (a dead-lettered event stored as its minimal row, charged).',
      labelNames: ['result'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'switchyard_ledger_batch_size',
      help: 'Usage events per database write.',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2000],
      registers,
    });
    this.insertDuration = new Histogram({
      name: 'switchyard_ledger_insert_duration_seconds',
      help: 'Duration of one batch write (including retries while Postgres is down).',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.lag = new Histogram({
      name: 'switchyard_ledger_lag_seconds',
      help: 'From an event starting to its row being committed.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.consumerPending = new Gauge({
      name: 'switchyard_ledger_consumer_pending_messages',
      help: 'Usage messages in JetStream the ledger has not yet acknowledged (not yet delivered, or not yet committed): its lag. USAGE keeps acknowledged messages, so its size is not the lag.',
      registers,
    });
    this.consumerOldestUnreadAge = new Gauge({
      name: 'switchyard_ledger_consumer_oldest_unread_age_seconds',
      help: 'Age of the oldest usage message the ledger has not yet acknowledged (0 when it is caught up).',
      registers,
    });
    this.streamBytes = new Gauge({
      name: 'switchyard_usage_stream_bytes',
      help: 'Bytes stored in a usage stream (stream: usage, usage_dead).',
      labelNames: ['stream'],
      registers,
    });
    this.streamMaxBytes = new Gauge({
      name: 'switchyard_usage_stream_max_bytes',
      help: 'max_bytes of a usage stream: beyond it the oldest messages are discarded.',
      labelNames: ['stream'],
      registers,
    });
    this.streamMessages = new Gauge({
      name: 'switchyard_usage_stream_messages',
      help: 'Messages stored in a usage stream (usage_dead: dead letters kept for inspection).',
      labelNames: ['stream'],
      registers,
    });
    this.writeFailures = new Counter({
      name: 'switchyard_ledger_write_failures_total',
      help: 'Failed batch writes (retried until they succeed).',
      registers,
    });
  }
}

/** What a usage publisher tells about what it has not delivered yet (`UsagePublisher`). */
export interface UsageBacklogSource {
  readonly backlog: number;
  readonly backlogBytes: number;
  /** how long the backlog has gone without an acknowledgement (0 when empty). */
  readonly stalledMs: number;
}

/**
 * The usage publisher of an ingress or dispatcher: its backlog (events and bytes not yet
 * acknowledged by JetStream), the size of the messages it sends, the events it had to trim (too
 * large for one message) or drop (the backlog over its bound while JetStream was unreachable).
 */
export class UsagePublisherMetrics {
  private source: UsageBacklogSource | null = null;
  readonly trimmed: Counter;
  readonly dropped: Counter;
  readonly messageBytes: Histogram;
  /** the publisher's hooks (`UsagePublisherOptions`). */
  readonly hooks: {
    onTrimmed: () => void;
    onDropped: (count: number) => void;
    onPublished: (events: number, bytes: number) => void;
  };

  constructor(registry: Registry) {
    const registers = [registry];
    const read = (pick: (source: UsageBacklogSource) => number) => () =>
      this.source ? pick(this.source) : 0;
    const events = read((source) => source.backlog);
    const bytes = read((source) => source.backlogBytes);
    const stalledSeconds = read((source) => source.stalledMs / 1000);
    new Gauge({
      name: 'switchyard_usage_publisher_backlog_events',
      help: 'Usage events not yet acknowledged by JetStream (gathering, in flight or waiting for a retry).',
      registers,
      collect() {
        this.set(events());
      },
    });
    new Gauge({
      name: 'switchyard_usage_publisher_backlog_bytes',
      help: 'Bytes of usage events not yet acknowledged by JetStream.',
      registers,
      collect() {
        this.set(bytes());
      },
    });
    new Gauge({
      name: 'switchyard_usage_publisher_stalled_seconds',
      help: 'How long the usage backlog has gone without a JetStream acknowledgement (0 when empty): the age of its oldest event, at most.',
      registers,
      collect() {
        this.set(stalledSeconds());
      },
    });
    this.trimmed = new Counter({
      name: 'switchyard_usage_events_trimmed_total',
      help: 'Usage events too large for one bus message, published without user and metadata (cost kept).',
      registers,
    });
    this.dropped = new Counter({
      name: 'switchyard_usage_events_dropped_total',
      help: 'Usage events dropped because the publisher backlog passed its bound while JetStream was unreachable.',
      registers,
    });
    this.messageBytes = new Histogram({
      name: 'switchyard_usage_message_bytes',
      help: 'Size of the usage messages (batches) acknowledged by JetStream.',
      buckets: [1024, 8192, 65_536, 262_144, 524_288, 1_048_576, 8_388_608],
      registers,
    });
    this.hooks = {
      onTrimmed: () => this.trimmed.inc(),
      onDropped: (count) => this.dropped.inc(count),
      onPublished: (_events, size) => this.messageBytes.observe(size),
    };
  }

  /** Reads the backlog of this publisher from now on; returns it. */
  watch<Source extends UsageBacklogSource>(source: Source): Source {
    this.source = source;
    return source;
  }
}
