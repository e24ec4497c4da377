import { z } from 'zod';

/** The parts of Anthropic's Messages API responses and stream events that the adapter reads. */

const count = z.number().nonnegative().nullish();

/** One sampling pass of a request (`message`, `compaction`, `advisor_message`, `fallback_message`). */
export const AnthropicUsageIteration = z.looseObject({
  type: z.string().optional(),
  input_tokens: count,
  output_tokens: count,
  cache_read_input_tokens: count,
  cache_creation_input_tokens: count,
});
export type AnthropicUsageIteration = z.infer<typeof AnthropicUsageIteration>;

export const AnthropicUsage = z.looseObject({
  input_tokens: count,
  output_tokens: count,
  cache_read_input_tokens: count,
  cache_creation_input_tokens: count,
  output_tokens_details: z.looseObject({ thinking_tokens: count }).nullish(),
  iterations: z.array(AnthropicUsageIteration).nullish(),
});
export type AnthropicUsage = z.infer<typeof AnthropicUsage>;

export const AnthropicContentBlock = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  thinking: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
});
export type AnthropicContentBlock = z.infer<typeof AnthropicContentBlock>;

export const AnthropicMessage = z.looseObject({
  id: z.string(),
  model: z.string(),
  content: z.array(AnthropicContentBlock),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: AnthropicUsage,
});
export type AnthropicMessage = z.infer<typeof AnthropicMessage>;

export const AnthropicErrorBody = z.looseObject({
  type: z.literal('error').optional(),
  error: z.looseObject({ type: z.string(), message: z.string().optional() }),
});
export type AnthropicErrorBody = z.infer<typeof AnthropicErrorBody>;

export const MessageStartEvent = z.looseObject({
  type: z.literal('message_start'),
  message: z.looseObject({
    id: z.string(),
    model: z.string(),
    usage: AnthropicUsage.nullish(),
    /** empty as a rule; a message produced whole (programmatic tool calls) arrives with its blocks. */
    content: z.array(AnthropicContentBlock).nullish(),
    stop_reason: z.string().nullish(),
  }),
});

export const ContentBlockStartEvent = z.looseObject({
  type: z.literal('content_block_start'),
  index: z.number().int().nonnegative(),
  content_block: AnthropicContentBlock,
});

export const ContentBlockDeltaEvent = z.looseObject({
  type: z.literal('content_block_delta'),
  index: z.number().int().nonnegative(),
  delta: z.looseObject({
    type: z.string(),
    text: z.string().optional(),
    partial_json: z.string().optional(),
    thinking: z.string().optional(),
  }),
});

export const MessageDeltaEvent = z.looseObject({
  type: z.literal('message_delta'),
  delta: z.looseObject({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }),
  usage: AnthropicUsage.nullish(),
});
