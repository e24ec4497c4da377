import { z } from 'zod';
import { EnvRef } from './env-ref';

/** A string, or `os.environ/NAME` (already turned into an `EnvRef` by the loader). */
export const ConfigStringSchema = z.union([z.string(), z.instanceof(EnvRef)]);

const price = z
  .number({
    error: (issue) => (issue.input === undefined ? 'required' : 'must be a number (US dollars per token)'),
  })
  .nonnegative('must not be negative')
  .finite();
const positiveNumber = z.number({ error: 'must be a number' }).positive('must be positive');
const count = z.number({ error: 'must be a whole number' }).int('must be a whole number').nonnegative();

/** Prices that may be set on `litellm_params` or `model_info`; explicit ones win over bundled data. */
const PriceFields = {
  input_cost_per_token: price.optional(),
  output_cost_per_token: price.optional(),
  cache_read_input_token_cost: price.optional(),
  cache_creation_input_token_cost: price.optional(),
  output_cost_per_reasoning_token: price.optional(),
};

export const LitellmParams = z.looseObject({
  model: z.string({ error: 'required: "<provider>/<model>", e.g. "openai/gpt-5.4-mini"' }).min(1),
  api_key: ConfigStringSchema.optional(),
  api_base: ConfigStringSchema.optional(),
  api_version: ConfigStringSchema.optional(),
  ...PriceFields,
  timeout: positiveNumber.optional(),
  stream_timeout: positiveNumber.optional(),
  max_retries: count.optional(),
  num_retries: count.optional(),
  rpm: count.optional(),
  tpm: count.optional(),
  weight: positiveNumber.optional(),
  order: count.optional(),
  complexity_router_config: z.unknown().optional(),
});
export type LitellmParams = z.infer<typeof LitellmParams>;

export const ModelInfo = z.looseObject({
  id: z.string().min(1).optional(),
  mode: z
    .enum(['chat', 'completion', 'embedding', 'image_generation', 'audio_transcription', 'rerank'])
    .optional(),
  max_input_tokens: count.optional(),
  max_output_tokens: count.optional(),
  max_tokens: count.optional(),
  ...PriceFields,
  disable_background_health_check: z.boolean().optional(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const ModelListEntry = z.looseObject({
  model_name: z.string({ error: 'required: the name clients call, e.g. "gpt-5.4-mini"' }).min(1),
  litellm_params: LitellmParams,
  model_info: ModelInfo.optional(),
});
export type ModelListEntry = z.infer<typeof ModelListEntry>;

/** `[{"gpt-5.5": ["gpt-5.4"]}]`: on failure of the key, try the listed model names in order. */
const FallbackList = z.array(z.record(z.string(), z.array(z.string())));

export const LitellmSettings = z.looseObject({
  cache: z.boolean().optional(),
  cache_params: z
    .looseObject({
      type: z.string().optional(),
      namespace: z.string().optional(),
      ttl: positiveNumber.optional(),
      host: ConfigStringSchema.optional(),
      port: z.union([z.number(), ConfigStringSchema]).optional(),
      password: ConfigStringSchema.optional(),
    })
    .optional(),
  drop_params: z.boolean().optional(),
  num_retries: count.optional(),
  request_timeout: positiveNumber.optional(),
  fallbacks: FallbackList.optional(),
  context_window_fallbacks: FallbackList.optional(),
  allowed_fails: count.optional(),
  cooldown_time: z.number().nonnegative().optional(),
});
export type LitellmSettings = z.infer<typeof LitellmSettings>;

export const RouterSettings = z.looseObject({
  routing_strategy: z.string().optional(),
  num_retries: count.optional(),
  timeout: positiveNumber.optional(),
  allowed_fails: count.optional(),
  cooldown_time: z.number().nonnegative().optional(),
  retry_after: z.number().nonnegative().optional(),
  fallbacks: FallbackList.optional(),
  context_window_fallbacks: FallbackList.optional(),
  model_group_alias: z
    .record(
      z.string(),
      z.union([z.string(), z.looseObject({ model: z.string(), hidden: z.boolean().optional() })]),
    )
    .optional(),
});
export type RouterSettings = z.infer<typeof RouterSettings>;

export const GeneralSettings = z.looseObject({
  master_key: ConfigStringSchema.optional(),
  database_url: ConfigStringSchema.optional(),
  health_check_skip_disabled_background_models: z.boolean().optional(),
  background_health_checks: z.boolean().optional(),
  health_check_interval: positiveNumber.optional(),
  require_auth_for_metrics_endpoint: z.boolean().optional(),
  max_request_size_mb: positiveNumber.optional(),
  /**
   * Switchyard: keep each routed ask's text and decision in Postgres for the owner's loop
   * (docs/routing.md, "The owner's loop"); off by default. Keys with `metadata.routing_log: false`
   * are never logged.
   */
  routing_log: z.boolean().optional(),
  /** Switchyard: days a logged ask is kept (default 30); the ledger deletes older ones. */
  routing_log_retention_days: z.number().int().min(1).max(3650).optional(),
});
export type GeneralSettings = z.infer<typeof GeneralSettings>;

export const GatewayConfigDocument = z.looseObject({
  model_list: z.array(ModelListEntry, { error: 'required: a list of models' }).min(1, 'lists no model'),
  general_settings: GeneralSettings.nullish(),
  litellm_settings: LitellmSettings.nullish(),
  router_settings: RouterSettings.nullish(),
});
export type GatewayConfigDocument = z.infer<typeof GatewayConfigDocument>;
