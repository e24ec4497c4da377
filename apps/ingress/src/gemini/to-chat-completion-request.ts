import type {
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
  FunctionTool,
  ToolCall,
  ToolChoice,
} from '@switchyard/contracts';
import { GatewayError } from '@switchyard/contracts';
import { fromGeminiSchema } from './from-gemini-schema';
import type {
  GeminiContent,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiThinkingConfig,
  GeminiTool,
} from './gemini-request';

type JsonRecord = Record<string, unknown>;

/** The provider kind whose adapter reads `provider_options.gemini` (`safetySettings`). */
export const GEMINI_PROVIDER_OPTIONS = 'gemini';

/**
 * A text part that is one tagged block and nothing else (Gemini CLI's `<session_context>…`): the
 * agent's context, not the user's ask. It becomes a user message of its own, so the router reads
 * the ask in the part after it.
 */
const CONTEXT_BLOCK = /^\s*<([a-z_][\w-]*)>[\s\S]*<\/\1>\s*$/i;

/** `thinkingLevel` → `reasoning_effort` (MINIMAL as `low`, the weakest effort every provider accepts). */
const EFFORT_BY_LEVEL: Readonly<Record<string, string>> = {
  MINIMAL: 'low',
  LOW: 'low',
  MEDIUM: 'medium',
  HIGH: 'high',
};

/** Whether the client asked for the model's thoughts (`thinkingConfig.includeThoughts`). */
export function wantsThoughts(request: Pick<GeminiGenerateContentRequest, 'generationConfig'>): boolean {
  return request.generationConfig?.thinkingConfig?.includeThoughts === true;
}

/**
 * `thinkingConfig` → `reasoning_effort`: `thinkingLevel` by name (MINIMAL as `low`, the weakest
 * effort every provider accepts), `thinkingBudget` by size (0 turns thinking off: no effort;
 * -1, "dynamic", is `medium`).
 */
export function reasoningEffortOf(thinking: GeminiThinkingConfig | undefined): string | undefined {
  if (!thinking) return undefined;
  const level = thinking.thinkingLevel ? EFFORT_BY_LEVEL[thinking.thinkingLevel.toUpperCase()] : undefined;
  if (level) return level;
  const budget = thinking.thinkingBudget;
  if (budget === undefined || budget === 0) return undefined;
  if (budget === -1) return 'medium';
  if (budget <= 2048) return 'low';
  return budget <= 16384 ? 'medium' : 'high';
}

function mediaPart(mimeType: string, url: string): ContentPart {
  if (mimeType.startsWith('image/')) return { type: 'image_url', image_url: { url } };
  return { type: 'file', file: { file_data: url } };
}

function userPart(part: GeminiPart): ContentPart | null {
  if (part.text !== undefined) return part.thought ? null : { type: 'text', text: part.text };
  if (part.inlineData) {
    const { mimeType, data } = part.inlineData;
    return mediaPart(mimeType, `data:${mimeType};base64,${data}`);
  }
  if (part.fileData) return mediaPart(part.fileData.mimeType ?? '', part.fileData.fileUri);
  return null;
}

/** Tool results that answer by name: the pending calls of the previous model turn, oldest first. */
class PendingCalls {
  private calls: { id: string; name: string }[] = [];

  open(calls: readonly ToolCall[]): void {
    this.calls = calls.map((call) => ({ id: call.id, name: call.function.name }));
  }

  /** The id a functionResponse answers: its own, else the oldest pending call of that name. */
  answer(name: string, id: string | undefined, fallback: string): string {
    const index = this.calls.findIndex((call) => (id ? call.id === id : call.name === name));
    if (index === -1) return id ?? fallback;
    const [call] = this.calls.splice(index, 1);
    return call.id;
  }
}

function functionResponseContent(response: JsonRecord): string {
  const keys = Object.keys(response);
  if (keys.length === 1 && typeof response.output === 'string') return response.output;
  return JSON.stringify(response);
}

/** A user turn: its tool results first (they answer the previous model turn), then its parts. */
function userMessages(content: GeminiContent, turn: number, pending: PendingCalls): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let parts: ContentPart[] = [];
  const flush = (): void => {
    if (parts.length === 0) return;
    const [only] = parts;
    const simple = parts.length === 1 && only.type === 'text' && typeof only.text === 'string';
    messages.push({ role: 'user', content: simple ? (only.text as string) : parts });
    parts = [];
  };
  content.parts.forEach((part, index) => {
    if (part.functionResponse) {
      const { name, id, response } = part.functionResponse;
      messages.push({
        role: 'tool',
        tool_call_id: pending.answer(name, id, `call_${turn}_${index}`),
        content: functionResponseContent(response),
      });
      return;
    }
    const converted = userPart(part);
    if (!converted) return;
    if (converted.type === 'text' && CONTEXT_BLOCK.test(String(converted.text))) {
      flush();
      parts.push(converted);
      flush();
      return;
    }
    parts.push(converted);
  });
  flush();
  return messages;
}

/** A model turn: its text and function calls; thoughts are not sent back. */
function modelMessage(content: GeminiContent, turn: number): ChatMessage | null {
  let text = '';
  const toolCalls: ToolCall[] = [];
  content.parts.forEach((part, index) => {
    if (part.functionCall) {
      const { name, args, id } = part.functionCall;
      const call: ToolCall = {
        id: id ?? `call_${turn}_${index}`,
        type: 'function',
        function: { name, arguments: JSON.stringify(args ?? {}) },
      };
      if (part.thoughtSignature)
        call.extra_content = { google: { thought_signature: part.thoughtSignature } };
      toolCalls.push(call);
    } else if (part.text !== undefined && !part.thought) {
      text += part.text;
    }
  });
  if (text === '' && toolCalls.length === 0) return null;
  return {
    role: 'assistant',
    content: text === '' ? null : text,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

function systemMessage(request: GeminiGenerateContentRequest): ChatMessage[] {
  const parts = request.systemInstruction?.parts ?? [];
  const text = parts
    .map((part) => part.text ?? '')
    .filter((piece) => piece !== '')
    .join('\n');
  return text === '' ? [] : [{ role: 'system', content: text }];
}

/** `contents` (+ `systemInstruction`) → canonical messages. */
export function toChatMessages(request: GeminiGenerateContentRequest): ChatMessage[] {
  const messages: ChatMessage[] = systemMessage(request);
  const pending = new PendingCalls();
  request.contents.forEach((content, turn) => {
    if (content.role === 'model') {
      const message = modelMessage(content, turn);
      if (message) {
        messages.push(message);
        pending.open(message.role === 'assistant' ? (message.tool_calls ?? []) : []);
      }
      return;
    }
    messages.push(...userMessages(content, turn, pending));
  });
  if (!messages.some((message) => message.role !== 'system')) {
    throw GatewayError.invalidRequest(
      'contents: must contain at least one part with text, media or a function response.',
      'contents',
      'invalid_argument',
    );
  }
  return messages;
}

function toolsOf(tools: readonly GeminiTool[] | undefined): FunctionTool[] {
  return (tools ?? []).flatMap((tool) =>
    (tool.functionDeclarations ?? []).map((declaration): FunctionTool => {
      const parameters =
        declaration.parametersJsonSchema ??
        (declaration.parameters ? fromGeminiSchema(declaration.parameters) : undefined);
      return {
        type: 'function',
        function: {
          name: declaration.name,
          ...(declaration.description !== undefined ? { description: declaration.description } : {}),
          ...(parameters ? { parameters } : {}),
        },
      };
    }),
  );
}

/** The tools Google hosts (`googleSearch`, `codeExecution`, `urlContext` …): named, not sent. */
export function hostedToolsOf(tools: readonly GeminiTool[] | undefined): string[] {
  return (tools ?? []).flatMap((tool) => Object.keys(tool).filter((key) => key !== 'functionDeclarations'));
}

function toolChoiceOf(
  request: GeminiGenerateContentRequest,
  tools: FunctionTool[],
): { toolChoice: ToolChoice | undefined; tools: FunctionTool[] } {
  const config = request.toolConfig?.functionCallingConfig;
  if (!config || tools.length === 0) return { toolChoice: undefined, tools };
  const allowed = config.allowedFunctionNames;
  switch (config.mode) {
    case 'NONE':
      return { toolChoice: 'none', tools };
    case 'ANY': {
      if (!allowed || allowed.length === 0) return { toolChoice: 'required', tools };
      const unknown = allowed.find((name) => !tools.some((tool) => tool.function.name === name));
      if (unknown !== undefined) {
        throw GatewayError.invalidRequest(
          `toolConfig.functionCallingConfig.allowedFunctionNames: "${unknown}" is not a declared function.`,
          'toolConfig.functionCallingConfig.allowedFunctionNames',
          'invalid_argument',
        );
      }
      if (allowed.length === 1) {
        return { toolChoice: { type: 'function', function: { name: allowed[0] } }, tools };
      }
      // several allowed functions: the others are not offered, one of these must be called
      return {
        toolChoice: 'required',
        tools: tools.filter((tool) => allowed.includes(tool.function.name)),
      };
    }
    case 'AUTO':
    case 'VALIDATED':
    case 'MODE_UNSPECIFIED':
    case undefined:
      return { toolChoice: 'auto', tools };
  }
}

function responseFormatOf(config: GeminiGenerationConfig | undefined): JsonRecord | undefined {
  const mimeType = config?.responseMimeType;
  const schema =
    config?.responseJsonSchema ??
    (config?.responseSchema ? fromGeminiSchema(config.responseSchema) : undefined);
  if (schema) return { type: 'json_schema', json_schema: { name: 'response', schema } };
  if (mimeType === 'application/json') return { type: 'json_object' };
  return undefined;
}

function stopOf(config: GeminiGenerationConfig | undefined): string[] | undefined {
  const sequences = config?.stopSequences;
  if (!sequences || sequences.length === 0) return undefined;
  if (sequences.length > 4) {
    throw GatewayError.invalidRequest(
      'generationConfig.stopSequences: at most 4 stop sequences are supported by this gateway.',
      'generationConfig.stopSequences',
      'invalid_argument',
    );
  }
  return sequences;
}

/**
 * A Gemini `generateContent` request → the canonical (OpenAI Chat Completions) request. Knobs
 * only Gemini has (`safetySettings`) ride in `provider_options.gemini`, which only the Gemini
 * adapter reads; `topK` passes as the extra parameter `top_k`, as on the Anthropic surface.
 */
export function toChatCompletionRequest(
  request: GeminiGenerateContentRequest,
  model: string,
  stream: boolean,
): ChatCompletionRequest {
  const config = request.generationConfig;
  const { toolChoice, tools } = toolChoiceOf(request, toolsOf(request.tools));
  const chat: ChatCompletionRequest = {
    model,
    messages: toChatMessages(request),
    stream,
  };
  const fields: JsonRecord = {
    stream_options: stream ? { include_usage: true } : undefined,
    max_tokens: config?.maxOutputTokens,
    temperature: config?.temperature,
    top_p: config?.topP,
    top_k: config?.topK,
    stop: stopOf(config),
    presence_penalty: config?.presencePenalty,
    frequency_penalty: config?.frequencyPenalty,
    seed: config?.seed,
    tools: tools.length > 0 ? tools : undefined,
    tool_choice: toolChoice,
    response_format: responseFormatOf(config),
    reasoning_effort: reasoningEffortOf(config?.thinkingConfig),
    provider_options: request.safetySettings
      ? { [GEMINI_PROVIDER_OPTIONS]: { safetySettings: request.safetySettings } }
      : undefined,
  };
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) chat[name] = value;
  return chat;
}
