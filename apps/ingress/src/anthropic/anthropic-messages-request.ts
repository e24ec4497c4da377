import { z } from 'zod';
import { checkCallerMetadata, EndUser } from '@switchyard/contracts';

/**
 * Anthropic's Messages API request (`POST /v1/messages`), as far as the gateway translates it to
 * the canonical (OpenAI Chat Completions) request. Blocks and parameters the gateway does not
 * translate are rejected by name (server tools, file sources) or ignored (unknown top-level
 * parameters such as `service_tier` or `context_management`), never forwarded half-understood.
 */

export const CacheControl = z.looseObject({ type: z.string() });
const cacheControl = CacheControl.nullish();

export const AnthropicTextBlock = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
});
export type AnthropicTextBlock = z.infer<typeof AnthropicTextBlock>;

export const AnthropicImageSource = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string().min(1) }),
  z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
]);

export const AnthropicImageBlock = z.looseObject({
  type: z.literal('image'),
  source: AnthropicImageSource,
  cache_control: cacheControl,
});
export type AnthropicImageBlock = z.infer<typeof AnthropicImageBlock>;

/** PDFs (base64) and plain text become OpenAI parts; other sources go through as native blocks. */
export const AnthropicDocumentBlock = z.looseObject({
  type: z.literal('document'),
  source: z.looseObject({
    type: z.string(),
    media_type: z.string().optional(),
    data: z.unknown().optional(),
  }),
  title: z.string().nullish(),
  cache_control: cacheControl,
});
export type AnthropicDocumentBlock = z.infer<typeof AnthropicDocumentBlock>;

export const AnthropicToolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});
export type AnthropicToolUseBlock = z.infer<typeof AnthropicToolUseBlock>;

export const AnthropicToolResultContentBlock = z.discriminatedUnion('type', [
  AnthropicTextBlock,
  AnthropicImageBlock,
  AnthropicDocumentBlock,
]);
export type AnthropicToolResultContentBlock = z.infer<typeof AnthropicToolResultContentBlock>;

export const AnthropicToolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(AnthropicToolResultContentBlock)]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});
export type AnthropicToolResultBlock = z.infer<typeof AnthropicToolResultBlock>;

/** Thinking blocks of earlier turns are accepted and dropped: no other provider can verify them. */
export const AnthropicThinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string() });
export const AnthropicRedactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking') });

export const AnthropicUserBlock = z.discriminatedUnion('type', [
  AnthropicTextBlock,
  AnthropicImageBlock,
  AnthropicDocumentBlock,
  AnthropicToolResultBlock,
]);
export type AnthropicUserBlock = z.infer<typeof AnthropicUserBlock>;

export const AnthropicAssistantBlock = z.discriminatedUnion('type', [
  AnthropicTextBlock,
  AnthropicToolUseBlock,
  AnthropicThinkingBlock,
  AnthropicRedactedThinkingBlock,
]);
export type AnthropicAssistantBlock = z.infer<typeof AnthropicAssistantBlock>;

export const AnthropicUserMessage = z.looseObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(AnthropicUserBlock)]),
});
export const AnthropicAssistantMessage = z.looseObject({
  role: z.literal('assistant'),
  content: z.union([z.string(), z.array(AnthropicAssistantBlock)]),
});
/** A mid-conversation system message (Claude Opus 4.8 and later): it must follow a user turn. */
export const AnthropicSystemMessage = z.looseObject({
  role: z.literal('system'),
  content: z.union([z.string(), z.array(AnthropicTextBlock)]),
});

export const AnthropicMessageParam = z.discriminatedUnion('role', [
  AnthropicUserMessage,
  AnthropicAssistantMessage,
  AnthropicSystemMessage,
]);
export type AnthropicMessageParam = z.infer<typeof AnthropicMessageParam>;

/** A client tool. Anthropic's server tools (`web_search_…`, `bash_…`, …) run on Anthropic's side. */
export const AnthropicTool = z
  .looseObject({
    type: z.string().nullish(),
    name: z.string().min(1),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().optional(),
    cache_control: cacheControl,
  })
  .superRefine((tool, context) => {
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      context.addIssue({
        code: 'custom',
        path: ['type'],
        message: `the server tool "${tool.type}" runs on Anthropic's platform and is not available through this gateway; declare client tools with name, description and input_schema`,
      });
    } else if (tool.input_schema === undefined) {
      context.addIssue({ code: 'custom', path: ['input_schema'], message: 'Field required' });
    }
  });
export type AnthropicTool = z.infer<typeof AnthropicTool>;

const parallelOption = { disable_parallel_tool_use: z.boolean().optional() };
export const AnthropicToolChoice = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), ...parallelOption }),
  z.looseObject({ type: z.literal('any'), ...parallelOption }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), ...parallelOption }),
  z.looseObject({ type: z.literal('none') }),
]);
export type AnthropicToolChoice = z.infer<typeof AnthropicToolChoice>;

export const AnthropicThinking = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().positive() }),
  z.looseObject({ type: z.literal('adaptive') }),
  z.looseObject({ type: z.literal('disabled') }),
  z.looseObject({ type: z.literal('between_tools') }),
]);
export type AnthropicThinking = z.infer<typeof AnthropicThinking>;

const promptFields = {
  model: z.string().min(1),
  system: z.union([z.string(), z.array(AnthropicTextBlock)]).nullish(),
  messages: z.array(AnthropicMessageParam).min(1),
  tools: z.array(AnthropicTool).nullish(),
  tool_choice: AnthropicToolChoice.nullish(),
  thinking: AnthropicThinking.nullish(),
};

/** `POST /v1/messages`. */
export const AnthropicMessagesRequest = z.looseObject({
  ...promptFields,
  max_tokens: z.number().int().positive(),
  stream: z.boolean().nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  temperature: z.number().min(0).max(1).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().nonnegative().nullish(),
  metadata: z.looseObject({ user_id: EndUser.nullish() }).superRefine(checkCallerMetadata).nullish(),
  output_config: z
    .looseObject({
      effort: z.string().nullish(),
      format: z
        .looseObject({ type: z.string(), schema: z.record(z.string(), z.unknown()).optional() })
        .nullish(),
    })
    .nullish(),
});
export type AnthropicMessagesRequest = z.infer<typeof AnthropicMessagesRequest>;

/** `POST /v1/messages/count_tokens`: the prompt part of a Messages request (no `max_tokens`). */
export const AnthropicTokenCountRequest = AnthropicMessagesRequest.extend({
  max_tokens: z.number().int().positive().optional(),
});
export type AnthropicTokenCountRequest = z.infer<typeof AnthropicTokenCountRequest>;
