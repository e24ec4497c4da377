import type {
  AssistantMessage,
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
  FunctionTool,
  ToolCall,
  ToolChoice,
} from '@switchyard/contracts';
import { GatewayError } from '@switchyard/contracts';
import type { z } from 'zod';
import type {
  InputItem,
  MessageContentPart,
  ResponsesRequest,
  ResponsesToolChoice,
  TextFormat,
  ToolDefinition,
} from './responses-request';
import { canonicalToolName, ToolNames } from './tool-names';

type AssistantChatMessage = z.infer<typeof AssistantMessage>;

/** A Responses request as the canonical chat request, with what the translation needs later. */
export interface TranslatedRequest {
  chat: ChatCompletionRequest;
  toolNames: ToolNames;
  /** hosted tools (`web_search`…) the canonical path cannot run: left out, named in a header. */
  droppedTools: string[];
}

/**
 * Responses request → canonical chat request. `history` is what `previous_response_id` expands to
 * (the stored input and output items of the chain), put before the request's own input.
 * `instructions` become the first system message; developer messages become system messages;
 * consecutive assistant text, reasoning and tool calls become one assistant message.
 */
export function toChatRequest(
  request: ResponsesRequest,
  history: readonly Record<string, unknown>[] = [],
): TranslatedRequest {
  const toolNames = new ToolNames();
  const droppedTools: string[] = [];
  const tools: FunctionTool[] = [];
  for (const tool of request.tools ?? []) addTool(tool, null, tools, toolNames, droppedTools);

  const messages: ChatMessage[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  messages.push(...toMessages([...(history as InputItem[]), ...inputItemsOf(request)]));
  if (!messages.some((message) => message.role !== 'system')) {
    throw GatewayError.invalidRequest(
      'The input has no message for the model to answer.',
      'input',
      'invalid_value',
    );
  }

  const stream = request.stream === true;
  const chat: ChatCompletionRequest = compact({
    model: request.model,
    messages,
    stream: stream ? true : undefined,
    stream_options: stream ? { include_usage: true } : undefined,
    max_tokens: request.max_output_tokens ?? undefined,
    temperature: request.temperature ?? undefined,
    top_p: request.top_p ?? undefined,
    tools: tools.length > 0 ? tools : undefined,
    tool_choice: tools.length > 0 ? toolChoiceOf(request.tool_choice) : undefined,
    parallel_tool_calls: tools.length > 0 ? (request.parallel_tool_calls ?? undefined) : undefined,
    reasoning_effort: reasoningEffortOf(request.reasoning?.effort),
    response_format: responseFormatOf(request.text?.format),
    user: request.user ?? undefined,
  });
  return { chat, toolNames, droppedTools };
}

/** The request's own input as items: a string is one user message. */
export function inputItemsOf(request: Pick<ResponsesRequest, 'input'>): InputItem[] {
  return typeof request.input === 'string'
    ? [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: request.input }] }]
    : request.input;
}

function addTool(
  tool: ToolDefinition,
  namespace: string | null,
  tools: FunctionTool[],
  toolNames: ToolNames,
  dropped: string[],
): void {
  if (isFunctionTool(tool)) {
    const name = toolNames.add({ kind: 'function', name: tool.name, namespace });
    tools.push({
      type: 'function',
      function: compact({
        name,
        description: tool.description ?? undefined,
        parameters: tool.parameters ?? { type: 'object', properties: {} },
        strict: tool.strict ?? undefined,
      }),
    });
    return;
  }
  if (isCustomTool(tool)) {
    const name = toolNames.add({ kind: 'custom', name: tool.name });
    const grammar = tool.format && tool.format.type !== 'text' ? ' Follow the grammar of the tool.' : '';
    tools.push({
      type: 'function',
      function: {
        name,
        description: `${tool.description ?? ''}${grammar}`.trim() || undefined,
        parameters: {
          type: 'object',
          properties: { input: { type: 'string', description: 'The raw input of the tool.' } },
          required: ['input'],
          additionalProperties: false,
        },
      },
    });
    return;
  }
  if (tool.type === 'namespace' && Array.isArray((tool as { tools?: unknown }).tools)) {
    const group = tool as { name: string; tools: ToolDefinition[] };
    for (const member of group.tools) addTool(member, group.name, tools, toolNames, dropped);
    return;
  }
  dropped.push(tool.type);
}

function isFunctionTool(
  tool: ToolDefinition,
): tool is Extract<ToolDefinition, { type: 'function'; name: string }> {
  return tool.type === 'function' && typeof (tool as { name?: unknown }).name === 'string';
}

function isCustomTool(tool: ToolDefinition): tool is Extract<ToolDefinition, { type: 'custom' }> {
  return tool.type === 'custom' && typeof (tool as { name?: unknown }).name === 'string';
}

function toolChoiceOf(choice: ResponsesToolChoice | null | undefined): ToolChoice | undefined {
  if (choice === null || choice === undefined) return undefined;
  if (typeof choice === 'string') return choice;
  if ((choice.type === 'function' || choice.type === 'custom') && typeof choice.name === 'string') {
    const ref =
      choice.type === 'custom'
        ? ({ kind: 'custom', name: choice.name } as const)
        : ({
            kind: 'function',
            name: choice.name,
            namespace: typeof choice.namespace === 'string' ? choice.namespace : null,
          } as const);
    return { type: 'function', function: { name: canonicalToolName(ref) } };
  }
  // hosted tools, `allowed_tools`, MCP: the canonical path lets the model choose
  return 'auto';
}

function reasoningEffortOf(effort: string | null | undefined): string | undefined {
  if (!effort || effort === 'none') return undefined;
  if (effort === 'minimal') return 'low';
  if (effort === 'xhigh') return 'high';
  return effort;
}

function responseFormatOf(format: TextFormat | null | undefined): ChatCompletionRequest['response_format'] {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: compact({
      name: format.name,
      schema: format.schema,
      description: format.description ?? undefined,
      strict: format.strict ?? undefined,
    }),
  };
}

/** Items → chat messages, in order. */
function toMessages(items: readonly InputItem[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let assistant: AssistantChatMessage | null = null;
  const openAssistant = (): AssistantChatMessage => {
    if (!assistant) {
      assistant = { role: 'assistant', content: null };
      messages.push(assistant);
    }
    return assistant;
  };
  for (const [position, item] of items.entries()) {
    const type = item.type ?? 'message';
    switch (type) {
      case 'message': {
        const message = item as Extract<InputItem, { role: string }>;
        if (message.role === 'assistant') {
          const turn = openAssistant();
          if (turn.tool_calls?.length) {
            // text after tool calls starts a new assistant turn
            assistant = null;
            openAssistant().content = assistantText(message.content);
          } else {
            turn.content = joinText(turn.content, assistantText(message.content));
          }
          break;
        }
        assistant = null;
        const content = userContent(message.content, position);
        messages.push({ role: message.role === 'developer' ? 'system' : message.role, content });
        break;
      }
      case 'reasoning': {
        const reasoning = item as { summary?: { text: string }[] };
        const text = (reasoning.summary ?? []).map((part) => part.text).join('\n\n');
        if (text) {
          const turn = openAssistant();
          turn.reasoning_content = joinText(turn.reasoning_content ?? null, text) ?? undefined;
        }
        break;
      }
      case 'function_call': {
        const call = item as { call_id: string; name: string; arguments: string; namespace?: string | null };
        pushToolCall(openAssistant(), {
          id: call.call_id,
          type: 'function',
          function: {
            name: canonicalToolName({ kind: 'function', name: call.name, namespace: call.namespace ?? null }),
            arguments: call.arguments,
          },
        });
        break;
      }
      case 'custom_tool_call': {
        const call = item as { call_id: string; name: string; input: string };
        pushToolCall(openAssistant(), {
          id: call.call_id,
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify({ input: call.input }) },
        });
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        assistant = null;
        const output = item as { call_id: string; output: string | MessageContentPart[] };
        messages.push({
          role: 'tool',
          tool_call_id: output.call_id,
          content: typeof output.output === 'string' ? output.output : userContent(output.output, position),
        });
        break;
      }
      default:
        // hosted tool calls, compaction and references: nothing the canonical path can replay
        break;
    }
  }
  return messages;
}

function pushToolCall(message: AssistantChatMessage, call: ToolCall): void {
  message.tool_calls = [...(message.tool_calls ?? []), call];
}

function joinText(before: ChatMessage['content'] | null | undefined, after: string | null): string | null {
  const head = typeof before === 'string' ? before : null;
  if (!head) return after;
  if (!after) return head;
  return `${head}${after}`;
}

function assistantText(content: string | MessageContentPart[]): string | null {
  if (typeof content === 'string') return content;
  const text = content
    .map((part) => {
      if (part.type === 'output_text' || part.type === 'input_text') return part.text;
      if (part.type === 'refusal') return part.refusal;
      return '';
    })
    .join('');
  return text === '' ? null : text;
}

function userContent(content: string | MessageContentPart[], position: number): string | ContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((part, index) => contentPart(part, `input[${position}].content[${index}]`));
}

function contentPart(part: MessageContentPart, param: string): ContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image':
      if (!part.image_url) throw unsupportedFileId(`${param}.file_id`);
      return {
        type: 'image_url',
        image_url: compact({ url: part.image_url, detail: part.detail ?? undefined }) as { url: string },
      };
    case 'input_file':
      if (part.file_data) {
        return {
          type: 'file',
          file: compact({ file_data: part.file_data, filename: part.filename ?? undefined }),
        };
      }
      if (part.file_url) {
        throw GatewayError.invalidRequest(
          "'file_url' is not supported by this gateway; send the file's content in 'file_data'.",
          `${param}.file_url`,
          'invalid_value',
        );
      }
      throw unsupportedFileId(`${param}.file_id`);
  }
}

function unsupportedFileId(param: string): GatewayError {
  return GatewayError.invalidRequest(
    "Files uploaded to OpenAI ('file_id') are not available through this gateway; send the content inline ('image_url' as a data URL, 'file_data').",
    param,
    'invalid_value',
  );
}

function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
