import type { ChatCompletionRequest, ChatMessage, ContentPart, MessageContent } from '@switchyard/contracts';
import { jsonPost } from '../shared/http-request';
import { compact, isRecord, type JsonRecord } from '../shared/json';
import {
  imageUrlOf,
  maxOutputTokensOf,
  mediaTypeOfUrl,
  parseDataUrl,
  parseToolArguments,
  stopSequencesOf,
  textOf,
  withDefaults,
} from '../shared/request-parameters';
import { unsupportedRequest } from '../shared/upstream-error';
import type { UpstreamHttpRequest, UpstreamTarget } from '../shared/spec';
import { toGeminiSchema } from './gemini-schema';
import { thoughtSignatureOf } from './gemini-tool-call';

/**
 * Google's documented placeholder for function calls whose signature was lost (history written by
 * another model, or by a client that dropped `extra_content`): Gemini 3 accepts it instead of
 * rejecting the request.
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/** Gemini 2.x thinking budgets for `reasoning_effort`. */
const THINKING_BUDGET_BY_EFFORT: Readonly<Record<string, number>> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
};
/** Gemini 3 thinking levels for `reasoning_effort`. */
const THINKING_LEVEL_BY_EFFORT: Readonly<Record<string, string>> = {
  none: 'minimal',
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
};

type GeminiRole = 'user' | 'model';
interface GeminiContent {
  role: GeminiRole;
  parts: JsonRecord[];
}

/** Older models that validate no thought signatures (and may not know the placeholder). */
function isBeforeGemini3(model: string): boolean {
  return /^gemini-(1|2)(\.|-)/.test(model);
}

export function geminiModelId(providerModel: string): string {
  return providerModel.replace(/^models\//, '');
}

/** `{apiBase}/v1beta/models/{model}:{method}`; an api_base that already names the version is kept. */
export function geminiUrl(apiBase: string, model: string, method: string): string {
  const base = /\/v1(beta|alpha)?\d*$/.test(apiBase) ? apiBase : `${apiBase}/v1beta`;
  return `${base}/models/${encodeURIComponent(geminiModelId(model))}:${method}`;
}

function mediaPart(url: string, provider: string): JsonRecord {
  const dataUrl = parseDataUrl(url);
  if (dataUrl) return { inlineData: { mimeType: dataUrl.mediaType, data: dataUrl.data } };
  if (/^(https?|gs):\/\//i.test(url)) return { fileData: { mimeType: mediaTypeOfUrl(url), fileUri: url } };
  throw unsupportedRequest(provider, 'media must be an http(s) URL or a base64 data URL', 'messages');
}

function contentParts(content: MessageContent | null | undefined, provider: string): JsonRecord[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.flatMap((part: ContentPart): JsonRecord[] => {
    switch (part.type) {
      case 'text':
        return typeof part.text === 'string' && part.text !== '' ? [{ text: part.text }] : [];
      case 'image_url': {
        const image = imageUrlOf(part);
        if (!image) throw unsupportedRequest(provider, 'an image_url part has no url', 'messages');
        return [mediaPart(image.url, provider)];
      }
      case 'input_audio': {
        const audio = isRecord(part.input_audio) ? part.input_audio : {};
        if (typeof audio.data !== 'string')
          throw unsupportedRequest(provider, 'an input_audio part has no data', 'messages');
        const format = typeof audio.format === 'string' ? audio.format : 'wav';
        return [
          { inlineData: { mimeType: `audio/${format === 'mp3' ? 'mpeg' : format}`, data: audio.data } },
        ];
      }
      case 'file': {
        const file = isRecord(part.file) ? part.file : {};
        if (typeof file.file_data !== 'string')
          throw unsupportedRequest(provider, 'file parts need file_data', 'messages');
        return [mediaPart(file.file_data, provider)];
      }
      default:
        throw unsupportedRequest(
          provider,
          `content parts of type "${part.type}" are not supported`,
          'messages',
        );
    }
  });
}

function append(contents: GeminiContent[], role: GeminiRole, parts: JsonRecord[]): void {
  if (parts.length === 0) return;
  const last = contents.at(-1);
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

/**
 * OpenAI messages → Gemini `contents` + `systemInstruction`. Tool results need the function's
 * name, recovered from the nearest earlier assistant tool call with the same id.
 */
export function convertGeminiContents(
  messages: readonly ChatMessage[],
  target: UpstreamTarget,
): { systemInstruction: JsonRecord | undefined; contents: GeminiContent[] } {
  const provider = target.provider;
  const placeholderSignatures = !isBeforeGemini3(geminiModelId(target.providerModel));
  const systemParts: JsonRecord[] = [];
  const contents: GeminiContent[] = [];
  const functionNameByCallId = new Map<string, string>();

  messages.forEach((message, position) => {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message.content);
        if (text !== '') systemParts.push({ text });
        break;
      }
      case 'user':
        append(contents, 'user', contentParts(message.content, provider));
        break;
      case 'assistant': {
        const parts = contentParts(message.content, provider).filter((part) => part.text !== undefined);
        (message.tool_calls ?? []).forEach((call, index) => {
          functionNameByCallId.set(call.id, call.function.name);
          const signature =
            thoughtSignatureOf(call) ??
            (index === 0 && placeholderSignatures ? SKIP_THOUGHT_SIGNATURE : undefined);
          parts.push(
            compact({
              functionCall: { name: call.function.name, args: parseToolArguments(call.function.arguments) },
              thoughtSignature: signature,
            }),
          );
        });
        append(contents, 'model', parts);
        break;
      }
      case 'tool': {
        const name =
          functionNameByCallId.get(message.tool_call_id) ??
          (typeof message.name === 'string' ? message.name : undefined);
        if (!name) {
          throw unsupportedRequest(
            provider,
            `tool message ${position} answers tool_call_id "${message.tool_call_id}", which no earlier assistant message called`,
            `messages[${position}].tool_call_id`,
          );
        }
        append(contents, 'user', [
          { functionResponse: { name, response: { output: textOf(message.content) } } },
        ]);
        break;
      }
      case 'function':
        append(contents, 'user', [
          { functionResponse: { name: message.name, response: { output: message.content ?? '' } } },
        ]);
        break;
    }
  });
  return { systemInstruction: systemParts.length > 0 ? { parts: systemParts } : undefined, contents };
}

function convertTools(request: ChatCompletionRequest): JsonRecord[] | undefined {
  const tools = request.tools ?? [];
  if (tools.length === 0) return undefined;
  const functionDeclarations = tools.map((tool) => {
    const parameters = toGeminiSchema(tool.function.parameters);
    return compact({
      name: tool.function.name,
      description: tool.function.description,
      parameters: isRecord(parameters.properties) ? parameters : undefined,
    });
  });
  return [{ functionDeclarations }];
}

function convertToolConfig(request: ChatCompletionRequest): JsonRecord | undefined {
  const choice = request.tool_choice;
  if (!choice || (request.tools ?? []).length === 0) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
}

function thinkingConfigOf(request: ChatCompletionRequest, model: string): JsonRecord | undefined {
  const effort = request.reasoning_effort;
  if (!effort) return undefined;
  if (isBeforeGemini3(model)) {
    const budget = THINKING_BUDGET_BY_EFFORT[effort];
    return budget === undefined ? undefined : { thinkingBudget: budget, includeThoughts: true };
  }
  const level = THINKING_LEVEL_BY_EFFORT[effort];
  return level === undefined ? undefined : { thinkingLevel: level, includeThoughts: true };
}

function generationConfigOf(request: ChatCompletionRequest, model: string): JsonRecord | undefined {
  const format = request.response_format;
  const json = format?.type === 'json_object' || format?.type === 'json_schema';
  const schema =
    format?.type === 'json_schema' && isRecord(format.json_schema) && isRecord(format.json_schema.schema)
      ? toGeminiSchema(format.json_schema.schema)
      : undefined;
  const stopSequences = stopSequencesOf(request.stop);
  const config = compact({
    temperature: request.temperature ?? undefined,
    topP: request.top_p ?? undefined,
    topK: typeof request.top_k === 'number' ? request.top_k : undefined,
    maxOutputTokens: maxOutputTokensOf(request),
    stopSequences: stopSequences.length > 0 ? stopSequences : undefined,
    candidateCount: request.n ?? undefined,
    presencePenalty: request.presence_penalty ?? undefined,
    frequencyPenalty: request.frequency_penalty ?? undefined,
    seed: request.seed ?? undefined,
    responseMimeType: json ? 'application/json' : undefined,
    responseSchema: schema,
    thinkingConfig: thinkingConfigOf(request, model),
  });
  return Object.keys(config).length > 0 ? config : undefined;
}

/** `provider_options.gemini.safetySettings` (the Gemini surface carries a client's own), as they are. */
function safetySettingsOf(request: ChatCompletionRequest): unknown[] | undefined {
  const options = request.provider_options?.gemini;
  return options && Array.isArray(options.safetySettings) ? options.safetySettings : undefined;
}

/** The generateContent body for a canonical (OpenAI) chat request. */
export function buildGeminiChatBody(original: ChatCompletionRequest, target: UpstreamTarget): JsonRecord {
  const request = withDefaults(original, target.defaults);
  const { systemInstruction, contents } = convertGeminiContents(request.messages, target);
  return compact({
    contents,
    systemInstruction,
    tools: convertTools(request),
    toolConfig: convertToolConfig(request),
    safetySettings: safetySettingsOf(request),
    generationConfig: generationConfigOf(request, geminiModelId(target.providerModel)),
  });
}

export function buildGeminiChatRequest(
  request: ChatCompletionRequest,
  target: UpstreamTarget,
  stream: boolean,
): UpstreamHttpRequest {
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return jsonPost(
    geminiUrl(target.apiBase, target.providerModel, method),
    { 'x-goog-api-key': target.apiKey },
    buildGeminiChatBody(request, target),
  );
}
