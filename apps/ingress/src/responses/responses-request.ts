import { z } from 'zod';
import { CallerMetadata, EndUser } from '@switchyard/contracts';

/**
 * OpenAI's Responses API request (`POST /v1/responses`) as Switchyard reads it. Objects are loose:
 * fields a gateway has no use for (`include`, `client_metadata`, `truncation`, ids of items…) are
 * accepted and ignored, as SDK-compatible gateways do. Item and tool types Switchyard cannot run
 * are accepted too and left out by the translation (tools are named in a response header).
 */
export const InputTextPart = z.looseObject({ type: z.literal('input_text'), text: z.string() });
export const InputImagePart = z.looseObject({
  type: z.literal('input_image'),
  image_url: z.string().nullish(),
  file_id: z.string().nullish(),
  detail: z.enum(['low', 'high', 'auto', 'original']).nullish(),
});
export const InputFilePart = z.looseObject({
  type: z.literal('input_file'),
  file_data: z.string().nullish(),
  file_id: z.string().nullish(),
  file_url: z.string().nullish(),
  filename: z.string().nullish(),
});
export const OutputTextPart = z.looseObject({ type: z.literal('output_text'), text: z.string() });
export const RefusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
export const SummaryTextPart = z.looseObject({ type: z.literal('summary_text'), text: z.string() });

export const MessageContentPart = z.discriminatedUnion('type', [
  InputTextPart,
  InputImagePart,
  InputFilePart,
  OutputTextPart,
  RefusalPart,
]);
export type MessageContentPart = z.infer<typeof MessageContentPart>;

export const MessageItem = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'system', 'developer', 'assistant']),
  content: z.union([z.string(), z.array(MessageContentPart)]),
});
export type MessageItem = z.infer<typeof MessageItem>;

export const FunctionCallItem = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  namespace: z.string().nullish(),
});
export type FunctionCallItem = z.infer<typeof FunctionCallItem>;

const ToolOutput = z.union([z.string(), z.array(MessageContentPart)]);

export const FunctionCallOutputItem = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: ToolOutput,
});
export const CustomToolCallItem = z.looseObject({
  type: z.literal('custom_tool_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  input: z.string(),
});
export const CustomToolCallOutputItem = z.looseObject({
  type: z.literal('custom_tool_call_output'),
  call_id: z.string().min(1),
  output: ToolOutput,
});
export const ReasoningItem = z.looseObject({
  type: z.literal('reasoning'),
  summary: z.array(SummaryTextPart).default([]),
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).nullish(),
  encrypted_content: z.string().nullish(),
});
/** Items of other types (hosted tool calls, compaction, item references…): kept, not translated. */
export const OtherItem = z.looseObject({ type: z.string() });

const KNOWN_ITEM_TYPES = new Set([
  'message',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'reasoning',
]);

export const InputItem = z.union([
  MessageItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  CustomToolCallItem,
  CustomToolCallOutputItem,
  ReasoningItem,
  OtherItem.refine((item) => !KNOWN_ITEM_TYPES.has(item.type), { message: 'Invalid item', abort: true }),
]);
export type InputItem = z.infer<typeof InputItem>;

export const FunctionToolDefinition = z.looseObject({
  type: z.literal('function'),
  name: z.string().min(1).max(128),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
export type FunctionToolDefinition = z.infer<typeof FunctionToolDefinition>;

export const CustomToolDefinition = z.looseObject({
  type: z.literal('custom'),
  name: z.string().min(1).max(128),
  description: z.string().nullish(),
  format: z.looseObject({ type: z.string() }).nullish(),
});
export type CustomToolDefinition = z.infer<typeof CustomToolDefinition>;

export const NamespaceToolDefinition = z.looseObject({
  type: z.literal('namespace'),
  name: z.string().min(1).max(128),
  description: z.string().nullish(),
  tools: z.array(
    z.union([FunctionToolDefinition, CustomToolDefinition, z.looseObject({ type: z.string() })]),
  ),
});

/** A hosted tool (`web_search`, `file_search`, `code_interpreter`…): run by OpenAI, not by the client. */
export const HostedToolDefinition = z.looseObject({ type: z.string().min(1) });

export const ToolDefinition = z.union([
  FunctionToolDefinition,
  CustomToolDefinition,
  NamespaceToolDefinition,
  HostedToolDefinition.refine((tool) => !['function', 'custom', 'namespace'].includes(tool.type), {
    message: 'Invalid tool',
    abort: true,
  }),
]);
export type ToolDefinition = z.infer<typeof ToolDefinition>;

export const ResponsesToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), name: z.string().min(1) }),
  z.looseObject({ type: z.literal('custom'), name: z.string().min(1) }),
  z.looseObject({ type: z.string().min(1) }),
]);
export type ResponsesToolChoice = z.infer<typeof ResponsesToolChoice>;

export const TextFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string().min(1).max(64),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }),
]);
export type TextFormat = z.infer<typeof TextFormat>;

export const ResponsesRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(InputItem)]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  tools: z.array(ToolDefinition).nullish(),
  tool_choice: ResponsesToolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  reasoning: z
    .looseObject({
      effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
      summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
    })
    .nullish(),
  text: z.looseObject({ format: TextFormat.nullish(), verbosity: z.string().nullish() }).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  metadata: CallerMetadata.nullish(),
  user: EndUser.nullish(),
  prompt_cache_key: z.string().nullish(),
  include: z.array(z.string()).nullish(),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;
