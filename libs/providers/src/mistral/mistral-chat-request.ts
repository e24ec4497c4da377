import type { ChatCompletionRequest, ChatMessage, ContentPart, MessageContent } from '@switchyard/contracts';
import { bearerHeaders, jsonPost } from '../shared/http-request';
import { compact, isRecord, type JsonRecord } from '../shared/json';
import { maxOutputTokensOf, textOf, withDefaults } from '../shared/request-parameters';
import { unsupportedRequest } from '../shared/upstream-error';
import type { UpstreamHttpRequest, UpstreamTarget } from '../shared/spec';
import { mistralToolCallId } from './mistral-tool-call-id';

/** Mistral's adjustable reasoning takes `high` or `none`. */
const REASONING_EFFORT: Readonly<Record<string, string>> = {
  none: 'none',
  minimal: 'none',
  low: 'high',
  medium: 'high',
  high: 'high',
  xhigh: 'high',
};

function userContent(content: MessageContent, provider: string): string | JsonRecord[] {
  if (typeof content === 'string') return content;
  return content.map((part: ContentPart): JsonRecord => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    if (part.type === 'image_url') return { type: 'image_url', image_url: part.image_url };
    throw unsupportedRequest(provider, `content parts of type "${part.type}" are not supported`, 'messages');
  });
}

/**
 * OpenAI messages → Mistral's: developer → system, tool-call ids remapped to 9 characters (the
 * same mapping for tool calls and tool messages), only the fields Mistral accepts (it rejects
 * unknown ones), and `prefix: true` on a final assistant message (a prefill).
 */
function convertMessages(messages: readonly ChatMessage[], provider: string): JsonRecord[] {
  const functionNameByCallId = new Map<string, string>();
  const converted: JsonRecord[] = [];
  messages.forEach((message, position) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        converted.push({ role: 'system', content: textOf(message.content) });
        break;
      case 'user':
        converted.push({ role: 'user', content: userContent(message.content, provider) });
        break;
      case 'assistant': {
        const toolCalls = (message.tool_calls ?? []).map((call) => {
          functionNameByCallId.set(call.id, call.function.name);
          return {
            id: mistralToolCallId(call.id),
            type: 'function',
            function: { name: call.function.name, arguments: call.function.arguments },
          };
        });
        const content = textOf(message.content);
        if (content === '' && toolCalls.length === 0) break;
        converted.push(
          compact({
            role: 'assistant',
            content: content === '' ? null : content,
            tool_calls: toolCalls.length > 0 ? toolCalls : undefined,
          }),
        );
        break;
      }
      case 'tool':
        converted.push(
          compact({
            role: 'tool',
            content: textOf(message.content),
            tool_call_id: mistralToolCallId(message.tool_call_id),
            name: functionNameByCallId.get(message.tool_call_id),
          }),
        );
        break;
      case 'function':
        throw unsupportedRequest(
          provider,
          'messages with role "function" are not supported; send tool messages',
          `messages[${position}]`,
        );
    }
  });
  const last = converted.at(-1);
  if (last?.role === 'assistant' && last.tool_calls === undefined) last.prefix = true;
  return converted;
}

function convertToolChoice(choice: ChatCompletionRequest['tool_choice']): unknown {
  if (choice === 'required') return 'any';
  if (choice === null || choice === undefined) return undefined;
  if (typeof choice === 'string') return choice;
  return { type: 'function', function: { name: choice.function.name } };
}

/**
 * The Mistral chat body. Mistral rejects parameters it does not know, so only its own are sent:
 * `seed` becomes `random_seed`, `max_completion_tokens` becomes `max_tokens`, `required` tool
 * choice becomes `any`, and no `stream_options` (Mistral reports usage in its last chunk anyway).
 * Parameters Mistral has no equivalent for (`user`, `logit_bias`, `store`, …) are dropped;
 * `logprobs` is refused because dropping it would silently change the response.
 */
export function buildMistralChatBody(
  original: ChatCompletionRequest,
  target: UpstreamTarget,
  stream: boolean,
): JsonRecord {
  const request = withDefaults(original, target.defaults);
  if (request.logprobs === true || (request.top_logprobs !== undefined && request.top_logprobs !== null)) {
    throw unsupportedRequest(target.provider, 'logprobs are not supported', 'logprobs');
  }
  const tools = (request.tools ?? []).map((tool) => ({
    type: 'function',
    function: compact({
      name: tool.function.name,
      description: tool.function.description,
      parameters: tool.function.parameters ?? { type: 'object', properties: {} },
      strict: typeof tool.function.strict === 'boolean' ? tool.function.strict : undefined,
    }),
  }));
  const effort =
    typeof request.reasoning_effort === 'string' ? REASONING_EFFORT[request.reasoning_effort] : undefined;
  return compact({
    model: target.providerModel,
    messages: convertMessages(request.messages, target.provider),
    temperature: request.temperature ?? undefined,
    top_p: request.top_p ?? undefined,
    max_tokens: maxOutputTokensOf(request),
    stream: stream ? true : undefined,
    stop: request.stop ?? undefined,
    random_seed: request.seed ?? (typeof request.random_seed === 'number' ? request.random_seed : undefined),
    response_format: request.response_format ?? undefined,
    tools: tools.length > 0 ? tools : undefined,
    tool_choice: tools.length > 0 ? convertToolChoice(request.tool_choice) : undefined,
    presence_penalty: request.presence_penalty ?? undefined,
    frequency_penalty: request.frequency_penalty ?? undefined,
    n: request.n ?? undefined,
    parallel_tool_calls: tools.length > 0 ? (request.parallel_tool_calls ?? undefined) : undefined,
    reasoning_effort: effort,
    prediction: isRecord(request.prediction) ? request.prediction : undefined,
    prompt_mode: typeof request.prompt_mode === 'string' ? request.prompt_mode : undefined,
    safe_prompt: typeof request.safe_prompt === 'boolean' ? request.safe_prompt : undefined,
    metadata: request.metadata ?? undefined,
  });
}

export function buildMistralChatRequest(
  request: ChatCompletionRequest,
  target: UpstreamTarget,
  stream: boolean,
): UpstreamHttpRequest {
  return jsonPost(
    `${target.apiBase}/chat/completions`,
    bearerHeaders(target.apiKey),
    buildMistralChatBody(request, target, stream),
  );
}
