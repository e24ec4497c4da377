import { z } from 'zod';
import bundledData from './model-prices.json';

/** Prices of one deployment, US dollars per token. */
export interface ModelPrices {
  inputPerToken: number;
  outputPerToken: number;
  /** null: cached reads cost the input price. */
  cacheReadPerToken: number | null;
  /** null: cache writes cost the input price. */
  cacheWritePerToken: number | null;
  /** null: reasoning tokens cost the output price. */
  reasoningPerToken: number | null;
}

const price = z.number().nonnegative().finite().optional();
const BundledModel = z.looseObject({
  max_input_tokens: z.number().int().positive().optional(),
  input_cost_per_token: price,
  output_cost_per_token: price,
  cache_read_input_token_cost: price,
  cache_creation_input_token_cost: price,
  output_cost_per_reasoning_token: price,
});
type BundledModel = z.infer<typeof BundledModel>;

/** LiteLLM's model_prices_and_context_window data for the models Switchyard ships config for. */
const BUNDLED: ReadonlyMap<string, BundledModel> = new Map(
  Object.entries(z.object({ models: z.record(z.string(), BundledModel) }).parse(bundledData).models),
);

/** What prices depend on: the provider, the model, the config's own prices and model_info (a config `Deployment`). */
export interface PricedDeployment {
  provider: { name: string };
  providerModel: string;
  /** prices written in the config, per token; each wins over the bundled data. */
  prices: {
    inputPerToken?: number;
    outputPerToken?: number;
    cacheReadPerToken?: number;
    cacheWritePerToken?: number;
    reasoningPerToken?: number;
  };
  modelInfo: { mode?: string; max_input_tokens?: number };
}

/** The bundled facts of a deployment's model: `<provider>/<providerModel>`, then `<providerModel>`. */
function bundledFactsOf(deployment: PricedDeployment): BundledModel | undefined {
  return (
    BUNDLED.get(`${deployment.provider.name}/${deployment.providerModel}`) ??
    BUNDLED.get(deployment.providerModel)
  );
}

/**
 * The deployment's prices: each price written in the config wins, field by field, over the bundled
 * data. Null when the input or the output price is unknown (the cost is then unknown, never 0);
 * an embedding model (`model_info.mode: embedding`) produces no output tokens, so it needs no
 * output price.
 */
export function pricesOf(deployment: PricedDeployment): ModelPrices | null {
  const explicit = deployment.prices;
  const bundled = bundledFactsOf(deployment);
  const inputPerToken = explicit.inputPerToken ?? bundled?.input_cost_per_token;
  const outputPerToken =
    explicit.outputPerToken ??
    bundled?.output_cost_per_token ??
    (deployment.modelInfo.mode === 'embedding' ? 0 : undefined);
  if (inputPerToken === undefined || outputPerToken === undefined) return null;
  return {
    inputPerToken,
    outputPerToken,
    cacheReadPerToken: explicit.cacheReadPerToken ?? bundled?.cache_read_input_token_cost ?? null,
    cacheWritePerToken: explicit.cacheWritePerToken ?? bundled?.cache_creation_input_token_cost ?? null,
    reasoningPerToken: explicit.reasoningPerToken ?? bundled?.output_cost_per_reasoning_token ?? null,
  };
}

/** The model's input context window: `model_info.max_input_tokens`, then the bundled data; null when unknown. */
export function contextWindowOf(deployment: PricedDeployment): number | null {
  return deployment.modelInfo.max_input_tokens ?? bundledFactsOf(deployment)?.max_input_tokens ?? null;
}
