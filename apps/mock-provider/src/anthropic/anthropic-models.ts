import { MODEL_CATALOG, MODEL_CREATED } from '../shared/model-catalog';

const createdAt = new Date(MODEL_CREATED * 1000).toISOString();

export function anthropicModel(id: string): unknown {
  return { type: 'model', id, display_name: id, created_at: createdAt };
}

/** Anthropic's `GET /v1/models` page. */
export function anthropicModelList(): unknown {
  const ids = MODEL_CATALOG.filter((model) => model.format === 'anthropic').map((model) => model.id);
  return {
    data: ids.map(anthropicModel),
    has_more: false,
    first_id: ids[0] ?? null,
    last_id: ids[ids.length - 1] ?? null,
  };
}
