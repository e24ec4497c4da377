import { z } from 'zod';
import { ConfigError } from './config-error';
import { formatPath } from './format-issues';

/**
 * Environment schemas of every service, validated once at start. Nothing outside this lib reads
 * `process.env`: a service calls `readEnvironment(IngressEnvironment)` and gets a typed object,
 * or stops with every bad variable named.
 */
const port = z.coerce.number().int().min(0).max(65535);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const CommonEnvironment = z.object({
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  /** prefix of every subject, stream and consumer (`name.`); tests give each fleet its own. */
  BUS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_-]+\.$/, 'must look like "name." (letters, digits, _ or -, then a dot)')
    .optional(),
  /**
   * replicas of the USAGE streams when a service creates them (whichever service starts first):
   * 1 on a single NATS server, 3 on a 3-node JetStream cluster (deploy/kubernetes).
   */
  USAGE_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /**
   * `max_bytes` of the JetStream stream USAGE (the oldest messages are discarded beyond it): held by
   * the ledger, used by whichever service creates the stream first.
   */
  USAGE_STREAM_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(1024 * 1024 * 1024),
  /** `max_bytes` of the dead-letter stream USAGE_DEAD. */
  USAGE_DEAD_LETTER_STREAM_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(256 * 1024 * 1024),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
  /** in-process span exporter for tests: spans are written as JSON lines to this file. */
  OTEL_TEST_SPAN_FILE: z.string().optional(),
});

export const GatewayConfigEnvironment = z.object({
  GATEWAY_CONFIG: z.string().default('config/demo.yaml'),
  GATEWAY_PROVIDERS: z.string().optional(),
});

export const RedisEnvironment = z.object({
  REDIS_URL: z.string().optional(),
  REDIS_HOST: z.string().default('127.0.0.1'),
  REDIS_PORT: port.default(6379),
  REDIS_PASSWORD: z.string().optional(),
  /** prefix of every Redis key this gateway writes (tests give each run its own). */
  REDIS_KEY_PREFIX: z.string().default('switchyard:'),
});

export const IngressEnvironment = CommonEnvironment.extend(GatewayConfigEnvironment.shape)
  .extend(RedisEnvironment.shape)
  .extend({
    HOST: z.string().default('0.0.0.0'),
    PORT: port.default(4000),
    LITELLM_MASTER_KEY: z.string().optional(),
    MAX_REQUEST_BODY_MB: z.coerce.number().positive().default(10),
    /** overrides `general_settings.background_health_checks` (false: `/health` probes on demand). */
    BACKGROUND_HEALTH_CHECKS: flag.optional(),
    /** salt of the keyed hash of virtual keys (HMAC-SHA256); the master key when unset, as in LiteLLM. */
    LITELLM_SALT_KEY: z.string().optional(),
    /** how long a looked-up virtual key is trusted without news from the ledger (keys.changed.v1 drops it at once). */
    KEY_CACHE_TTL_SECONDS: z.coerce.number().positive().max(3600).default(30),
    /** output tokens a budget reservation assumes for a request without max_tokens. */
    BUDGET_OUTPUT_TOKEN_ALLOWANCE: z.coerce.number().int().nonnegative().default(4096),
    /** wrong keys one client address may present per minute before it gets 429s (0: no limit). */
    AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().nonnegative().default(60),
    /** accept the demo master key (sk-local-master-key) with a config that is not the demo's (loopback only). */
    SWITCHYARD_ALLOW_DEMO_KEY: flag.default(false),
    /**
     * the host address compose publishes the ingress port on (`BIND_ADDRESS`): inside a container the
     * ingress listens on 0.0.0.0, and this says who can actually reach it.
     */
    INGRESS_PUBLISHED_ADDRESS: z.string().optional(),
  });
export type IngressEnvironment = z.infer<typeof IngressEnvironment>;

export const ClassifierEnvironment = CommonEnvironment.extend(GatewayConfigEnvironment.shape).extend({
  METRICS_PORT: port.default(9101),
});
export type ClassifierEnvironment = z.infer<typeof ClassifierEnvironment>;

export const DispatcherEnvironment = CommonEnvironment.extend(GatewayConfigEnvironment.shape)
  .extend(RedisEnvironment.shape)
  .extend({
    /** comma-separated provider instances to serve; empty or `all`: every provider the config uses. */
    PROVIDERS: z.string().default('all'),
    METRICS_PORT: port.default(9102),
    DISPATCHER_ID: z.string().optional(),
  });
export type DispatcherEnvironment = z.infer<typeof DispatcherEnvironment>;

export const LedgerEnvironment = CommonEnvironment.extend(RedisEnvironment.shape).extend({
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/switchyard'),
  LITELLM_SALT_KEY: z.string().optional(),
  METRICS_PORT: port.default(9103),
  LEDGER_BATCH_SIZE: z.coerce.number().int().positive().default(500),
  LEDGER_CREATE_DATABASE: flag.default(true),
  /** how long a partial batch waits for more usage events before it is written. */
  LEDGER_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(5000).default(20),
  /** batches written at the same time (each on its own connection). */
  LEDGER_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  /** days a stored Responses API response (`store: true`) is kept before the sweep deletes it; 0: kept until deleted. */
  RESPONSES_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(30),
});
export type LedgerEnvironment = z.infer<typeof LedgerEnvironment>;

/**
 * The one-process mode (`npm start`, `switchyard`): ingress, classifier, dispatchers and ledger in
 * one process; each module still reads its own variables above (the workers' `METRICS_PORT` is
 * unused: the ingress's `/metrics` shows every module's).
 */
export const OneProcessEnvironment = CommonEnvironment.extend(GatewayConfigEnvironment.shape).extend({
  /**
   * comma-separated providers left to dispatchers running as their own processes (the mixed mode,
   * e.g. `openai` to scale `dispatcher-openai` out); every other provider the config uses is
   * dispatched in this process.
   */
  SWITCHYARD_REMOTE_PROVIDERS: z.string().default(''),
});
export type OneProcessEnvironment = z.infer<typeof OneProcessEnvironment>;

export const MockProviderEnvironment = CommonEnvironment.extend({
  HOST: z.string().default('0.0.0.0'),
  PORT: port.default(4010),
  /** added before the first byte of every response, in ms. */
  MOCK_LATENCY_MS: z.coerce.number().nonnegative().default(0),
  /** delay between stream chunks, in ms. */
  MOCK_CHUNK_DELAY_MS: z.coerce.number().nonnegative().default(0),
  /** number of content chunks a streamed reply is cut into. */
  MOCK_STREAM_CHUNKS: z.coerce.number().int().positive().default(8),
  /** requests kept by the mock's request log (`GET /__mock/requests`). */
  MOCK_REQUEST_LOG_SIZE: z.coerce.number().int().nonnegative().default(1000),
  /** dimensions of the mock's embedding vectors when a request names none. */
  MOCK_EMBEDDING_DIMENSIONS: z.coerce.number().int().positive().default(8),
});
export type MockProviderEnvironment = z.infer<typeof MockProviderEnvironment>;

export type Env = Readonly<Record<string, string | undefined>>;

/** Validates the environment against a schema; empty values count as unset. */
export function readEnvironment<Schema extends z.ZodType>(
  schema: Schema,
  environment: Env = process.env,
): z.infer<Schema> {
  const cleaned = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
      'environment',
    );
  }
  return parsed.data;
}

/** The process environment, for code that hands it to config resolution (libs/config only reads it). */
export function processEnvironment(): Env {
  return process.env;
}
