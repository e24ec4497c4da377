import { z } from 'zod';
import { CallerMetadata, EndUser } from './caller-labels';

/**
 * The OpenAI Chat Completions request: the canonical request inside Switchyard. The Anthropic
 * surface translates to it, dispatchers translate it to each provider. Unknown top-level
 * parameters are kept (passed through unless `drop_params`), unknown message fields too.
 */
export const TextPart = z.looseObject({ type: z.literal('text'), text: z.string() });
export const ImageUrlPart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string(), detail: z.string().optional() }),
});
export const OtherPart = z.looseObject({ type: z.string() });
export const ContentPart = z.union([TextPart, ImageUrlPart, OtherPart]);
export type ContentPart = z.infer<typeof ContentPart>;

export const MessageContent = z.union([z.string(), z.array(ContentPart)]);
export type MessageContent = z.infer<typeof MessageContent>;

export const ToolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});
export type ToolCall = z.infer<typeof ToolCall>;

export const SystemMessage = z.looseObject({
  role: z.enum(['system', 'developer']),
  content: MessageContent,
  name: z.string().optional(),
});
export const UserMessage = z.looseObject({
  role: z.literal('user'),
  content: MessageContent,
  name: z.string().optional(),
});
export const AssistantMessage = z.looseObject({
  role: z.literal('assistant'),
  content: MessageContent.nullish(),
  name: z.string().optional(),
  tool_calls: z.array(ToolCall).optional(),
  reasoning_content: z.string().nullish(),
});
export const ToolMessage = z.looseObject({
  role: z.literal('tool'),
  content: MessageContent,
  tool_call_id: z.string().min(1),
});
export const FunctionMessage = z.looseObject({
  role: z.literal('function'),
  content: z.string().nullable(),
  name: z.string(),
});
export const ChatMessage = z.discriminatedUnion('role', [
  SystemMessage,
  UserMessage,
  AssistantMessage,
  ToolMessage,
  FunctionMessage,
]);
export type ChatMessage = z.infer<typeof ChatMessage>;
export type ChatRole = ChatMessage['role'];

export const FunctionTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});
export type FunctionTool = z.infer<typeof FunctionTool>;

export const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

const positiveInt = z.number().int().positive();

/**
 * Provider-native parameters a surface carries for one provider kind (`{"gemini": {"safetySettings":
 * [...]}}`): only that provider's adapter reads its entry; every other adapter leaves it out.
 */
export const ProviderOptions = z.record(z.string(), z.record(z.string(), z.unknown()));
export type ProviderOptions = z.infer<typeof ProviderOptions>;

export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ChatMessage).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  seed: z.number().int().nullish(),
  tools: z.array(FunctionTool).nullish(),
  tool_choice: ToolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
  reasoning_effort: z.string().nullish(),
  user: EndUser.nullish(),
  metadata: CallerMetadata.nullish(),
  provider_options: ProviderOptions.nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;
