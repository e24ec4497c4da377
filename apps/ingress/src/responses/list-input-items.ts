import { z } from 'zod';
import { GatewayError } from '@switchyard/contracts';
import { openAIParamName } from './parse-responses-request';

/** `GET /v1/responses/{id}/input_items`: OpenAI's list page. */
export interface InputItemsPage {
  object: 'list';
  data: Record<string, unknown>[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

const InputItemsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(['asc', 'desc']).default('desc'),
  after: z.string().min(1).optional(),
});

/** One page of a stored response's input items (`desc`, newest first, by default, as OpenAI). */
export function listInputItems(items: readonly Record<string, unknown>[], query: unknown): InputItemsPage {
  const parsed = InputItemsQuery.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = openAIParamName(issue.path);
    throw GatewayError.invalidRequest(`Invalid '${param}': ${issue.message}.`, param, 'invalid_value');
  }
  const { limit, order, after } = parsed.data;
  let ordered = order === 'asc' ? [...items] : [...items].reverse();
  if (after !== undefined) {
    const position = ordered.findIndex((item) => item.id === after);
    if (position < 0) {
      throw GatewayError.invalidRequest(`No input item with id '${after}'.`, 'after', 'invalid_value');
    }
    ordered = ordered.slice(position + 1);
  }
  const data = ordered.slice(0, limit);
  return {
    object: 'list',
    data,
    first_id: idOf(data[0]),
    last_id: idOf(data.at(-1)),
    has_more: ordered.length > limit,
  };
}

function idOf(item: Record<string, unknown> | undefined): string | null {
  return typeof item?.id === 'string' ? item.id : null;
}
