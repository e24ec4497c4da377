import type { FinishReason, TokenUsage } from '@switchyard/contracts';

/**
 * The recorded-traffic test's own reading of each provider's wire format: what a response SAYS
 * (text, reasoning, client tool calls, finish reason, every usage counter), written from the
 * providers' documentation and independently of the adapters under test. It shares no code with
 * `libs/providers` on purpose: when the two disagree, one of them misreads the wire.
 */

export interface ExpectedToolCall {
  /** null where the provider sends no id (Gemini): the adapter must make one up. */
  id: string | null;
  name: string;
  arguments: unknown;
}

export interface ExpectedResponse {
  text: string;
  reasoning: string;
  toolCalls: ExpectedToolCall[];
  finishReason: FinishReason | null;
  /** null: the response reports no usage at all. */
  usage: TokenUsage | null;
  /** the model the response names (priced by the test). */
  model: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(record: Json, key: string): Json {
  const value = record[key];
  return isObject(value) ? value : {};
}

function numberAt(record: Json, key: string): number {
  const value = record[key];
  return typeof value === 'number' ? value : 0;
}

function usageOf(noCache: number, cacheRead: number, cacheWrite: number, output: number, reasoning: number) {
  return {
    input: { total: noCache + cacheRead + cacheWrite, noCache, cacheRead, cacheWrite },
    output: { total: output, reasoning },
  };
}

/** One recorded stream line (a `data:` payload) as JSON. */
export function parseLines(body: string): Json[] {
  return body
    .split('\n')
    .map((line) => line.trim())
    .map((line) => (line.startsWith('data:') ? line.slice(5).trim() : line))
    .filter((line) => line !== '' && line !== '[DONE]')
    .map((line) => JSON.parse(line) as unknown)
    .filter(isObject);
}

// ---------------------------------------------------------------------------------------------
// Anthropic Messages: https://docs.anthropic.com/en/api/messages, .../messages-streaming
// - usage.input_tokens EXCLUDES cache reads (cache_read_input_tokens) and writes
//   (cache_creation_input_tokens); output_tokens includes thinking
//   (output_tokens_details.thinking_tokens, where reported).
// - usage.iterations (compaction, advisor, server-side fallback): every sampling pass is billed;
//   the top-level counts cover only the final message pass, so billed = the sum over iterations.
// - message_delta.usage counts are cumulative and replace the message_start ones they repeat.
// - Only `tool_use` blocks are client tool calls; server_tool_use, mcp_tool_use and their result
//   blocks run on Anthropic's side. A tool_use block's arguments are its input_json_delta pieces
//   joined, or, when no piece carried text, the `input` it started with.
// ---------------------------------------------------------------------------------------------

const ANTHROPIC_STOP: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

function anthropicStop(value: unknown): FinishReason | null {
  if (typeof value !== 'string') return null;
  return ANTHROPIC_STOP[value] ?? 'stop';
}

function anthropicUsage(usage: Json): TokenUsage {
  const passes = Array.isArray(usage.iterations) ? usage.iterations.filter(isObject) : [usage];
  const sum = (key: string) => passes.reduce((total, pass) => total + numberAt(pass, key), 0);
  const thinking = numberAt(objectAt(usage, 'output_tokens_details'), 'thinking_tokens');
  return usageOf(
    sum('input_tokens'),
    sum('cache_read_input_tokens'),
    sum('cache_creation_input_tokens'),
    sum('output_tokens'),
    thinking,
  );
}

interface AnthropicBlocks {
  text: string;
  reasoning: string;
  toolCalls: ExpectedToolCall[];
}

function readAnthropicBlock(block: Json, into: AnthropicBlocks): void {
  if (block.type === 'text' && typeof block.text === 'string') into.text += block.text;
  if (block.type === 'thinking' && typeof block.thinking === 'string') into.reasoning += block.thinking;
  if (block.type === 'tool_use') {
    into.toolCalls.push({ id: String(block.id), name: String(block.name), arguments: block.input ?? {} });
  }
}

export function readAnthropicMessage(message: Json): ExpectedResponse {
  const blocks: AnthropicBlocks = { text: '', reasoning: '', toolCalls: [] };
  for (const block of Array.isArray(message.content) ? message.content : []) {
    if (isObject(block)) readAnthropicBlock(block, blocks);
  }
  return {
    ...blocks,
    finishReason: anthropicStop(message.stop_reason),
    usage: anthropicUsage(objectAt(message, 'usage')),
    model: String(message.model),
  };
}

/** One message of a recorded stream, from its message_start to its message_stop. */
export function readAnthropicStream(events: Json[]): ExpectedResponse {
  const blocks: AnthropicBlocks = { text: '', reasoning: '', toolCalls: [] };
  let usage: Json = {};
  let model = '';
  let stopReason: unknown = null;
  const openTools = new Map<number, { call: ExpectedToolCall; json: string }>();
  for (const event of events) {
    if (event.type === 'message_start') {
      const message = objectAt(event, 'message');
      model = String(message.model);
      usage = { ...objectAt(message, 'usage') };
      stopReason = message.stop_reason ?? stopReason;
      for (const block of Array.isArray(message.content) ? message.content : []) {
        if (isObject(block)) readAnthropicBlock(block, blocks);
      }
    } else if (event.type === 'content_block_start') {
      const block = objectAt(event, 'content_block');
      if (block.type === 'tool_use') {
        const call: ExpectedToolCall = { id: String(block.id), name: String(block.name), arguments: null };
        blocks.toolCalls.push(call);
        openTools.set(Number(event.index), { call, json: '' });
        call.arguments = block.input ?? {};
      } else {
        readAnthropicBlock(block, blocks);
      }
    } else if (event.type === 'content_block_delta') {
      const delta = objectAt(event, 'delta');
      if (delta.type === 'text_delta') blocks.text += String(delta.text);
      if (delta.type === 'thinking_delta') blocks.reasoning += String(delta.thinking);
      const tool = openTools.get(Number(event.index));
      if (delta.type === 'input_json_delta' && tool) tool.json += String(delta.partial_json);
    } else if (event.type === 'content_block_stop') {
      const tool = openTools.get(Number(event.index));
      if (tool && tool.json !== '') tool.call.arguments = JSON.parse(tool.json);
      openTools.delete(Number(event.index));
    } else if (event.type === 'message_delta') {
      stopReason = objectAt(event, 'delta').stop_reason ?? stopReason;
      for (const [key, value] of Object.entries(objectAt(event, 'usage'))) {
        if (value !== null && value !== undefined) usage[key] = value;
      }
    }
  }
  return { ...blocks, finishReason: anthropicStop(stopReason), usage: anthropicUsage(usage), model };
}

/** A recorded Anthropic stream file → its messages (each message_start … message_stop). */
export function splitAnthropicMessages(events: Json[]): Json[][] {
  const messages: Json[][] = [];
  let current: Json[] = [];
  for (const event of events) {
    current.push(event);
    if (event.type === 'message_stop') {
      messages.push(current);
      current = [];
    }
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

// ---------------------------------------------------------------------------------------------
// OpenAI Chat Completions and the OpenAI-compatible vendors
// (https://platform.openai.com/docs/api-reference/chat, and each vendor's page):
// - prompt_tokens INCLUDES cached tokens: prompt_tokens_details.cached_tokens (OpenAI, xAI,
//   Alibaba, DeepSeek, Mistral), DeepSeek's prompt_cache_hit_tokens, Moonshot's top-level
//   cached_tokens. Cache writes: prompt_tokens_details.cache_creation_tokens / cache_write_tokens.
// - completion_tokens INCLUDES completion_tokens_details.reasoning_tokens (OpenAI, DeepSeek,
//   Alibaba, Groq, Moonshot), EXCEPT xAI, whose completion_tokens leaves reasoning out
//   (total_tokens = prompt + completion + reasoning): `reasoningInCompletion: false`.
// - reasoning text: delta/message `reasoning_content` (DeepSeek, xAI, Alibaba, Moonshot) or
//   `reasoning` (Groq); Mistral sends content as chunks: {type:"thinking"} / {type:"text"}.
// - usage: the last `usage` object of the stream (Perplexity repeats a cumulative one per chunk).
// ---------------------------------------------------------------------------------------------

const OPENAI_FINISH: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  model_length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  function_call: 'function_call',
};

function openAIFinish(value: unknown): FinishReason | null {
  if (typeof value !== 'string' || value === '') return null;
  return OPENAI_FINISH[value] ?? 'stop';
}

export function openAIUsage(usage: Json, reasoningInCompletion: boolean): TokenUsage {
  const prompt = numberAt(usage, 'prompt_tokens');
  const promptDetails = objectAt(usage, 'prompt_tokens_details');
  const cacheRead =
    numberAt(promptDetails, 'cached_tokens') ||
    numberAt(usage, 'prompt_cache_hit_tokens') ||
    numberAt(usage, 'cached_tokens');
  const cacheWrite =
    numberAt(promptDetails, 'cache_creation_tokens') || numberAt(promptDetails, 'cache_write_tokens');
  const reasoning = numberAt(objectAt(usage, 'completion_tokens_details'), 'reasoning_tokens');
  const completion = numberAt(usage, 'completion_tokens');
  return usageOf(
    prompt - cacheRead - cacheWrite,
    cacheRead,
    cacheWrite,
    reasoningInCompletion ? completion : completion + reasoning,
    reasoning,
  );
}

function contentParts(content: unknown): { text: string; reasoning: string } {
  if (typeof content === 'string') return { text: content, reasoning: '' };
  const parts = { text: '', reasoning: '' };
  for (const chunk of Array.isArray(content) ? content : []) {
    if (!isObject(chunk)) continue;
    if (chunk.type === 'text') parts.text += String(chunk.text);
    if (chunk.type === 'thinking' && Array.isArray(chunk.thinking)) {
      for (const thought of chunk.thinking) if (isObject(thought)) parts.reasoning += String(thought.text);
    }
  }
  return parts;
}

function reasoningText(message: Json): string {
  for (const key of ['reasoning_content', 'reasoning']) {
    if (typeof message[key] === 'string') return message[key];
  }
  return '';
}

export function readOpenAICompletion(body: Json, reasoningInCompletion: boolean): ExpectedResponse {
  const choice = (body.choices as Json[])[0];
  const message = objectAt(choice, 'message');
  const parts = contentParts(message.content);
  const toolCalls = (Array.isArray(message.tool_calls) ? message.tool_calls : [])
    .filter(isObject)
    .map((call): ExpectedToolCall => {
      const fn = objectAt(call, 'function');
      return { id: String(call.id), name: String(fn.name), arguments: JSON.parse(String(fn.arguments)) };
    });
  return {
    text: parts.text,
    reasoning: parts.reasoning + reasoningText(message),
    toolCalls,
    finishReason: openAIFinish(choice.finish_reason),
    usage: isObject(body.usage) ? openAIUsage(body.usage, reasoningInCompletion) : null,
    model: String(body.model),
  };
}

export function readOpenAIStream(chunks: Json[], reasoningInCompletion: boolean): ExpectedResponse {
  let text = '';
  let reasoning = '';
  let finishReason: FinishReason | null = null;
  let usage: Json | null = null;
  let model = '';
  const calls = new Map<number, { id: string; name: string; json: string }>();
  for (const chunk of chunks) {
    if (typeof chunk.model === 'string' && chunk.model !== '') model = chunk.model;
    if (isObject(chunk.usage)) usage = chunk.usage;
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices.filter(isObject) : []) {
      const delta = objectAt(choice, 'delta');
      const parts = contentParts(delta.content);
      text += parts.text;
      reasoning += parts.reasoning + reasoningText(delta);
      const toolCalls = Array.isArray(delta.tool_calls) ? delta.tool_calls.filter(isObject) : [];
      toolCalls.forEach((call, position) => {
        const index = typeof call.index === 'number' ? call.index : calls.size + position;
        const fn = objectAt(call, 'function');
        const entry = calls.get(index) ?? { id: '', name: '', json: '' };
        if (typeof call.id === 'string' && call.id !== '') entry.id = call.id;
        if (typeof fn.name === 'string' && fn.name !== '') entry.name = fn.name;
        if (typeof fn.arguments === 'string') entry.json += fn.arguments;
        calls.set(index, entry);
      });
      finishReason = openAIFinish(choice.finish_reason) ?? finishReason;
    }
  }
  return {
    text,
    reasoning,
    toolCalls: [...calls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([, call]) => ({ id: call.id, name: call.name, arguments: JSON.parse(call.json) as unknown })),
    finishReason,
    usage: usage ? openAIUsage(usage, reasoningInCompletion) : null,
    model,
  };
}

// ---------------------------------------------------------------------------------------------
// Gemini generateContent / streamGenerateContent (https://ai.google.dev/api/generate-content):
// - promptTokenCount INCLUDES cachedContentTokenCount; toolUsePromptTokenCount is extra input;
//   candidatesTokenCount EXCLUDES thoughtsTokenCount (output = candidates + thoughts).
// - stream events repeat a cumulative usageMetadata; events without counts (only trafficType)
//   report nothing.
// - `thought: true` parts are reasoning. A functionCall part with name and args is one call;
//   streamed arguments (Vertex/Gemini 3 `streamFunctionCallArguments`): a part with `name` and
//   `willContinue: true` opens a call, `partialArgs` [{jsonPath, stringValue|numberValue|
//   boolValue|nullValue, willContinue}] fill it (a string value continues in the next piece while
//   its willContinue is true), and a functionCall without willContinue closes it.
// - finishReason STOP → stop (tool_calls when the candidate called functions), MAX_TOKENS →
//   length, safety-type reasons → content_filter.
// ---------------------------------------------------------------------------------------------

function geminiFinish(value: unknown, calledTools: boolean): FinishReason | null {
  if (typeof value !== 'string' || value === 'FINISH_REASON_UNSPECIFIED') return null;
  if (value === 'MAX_TOKENS') return 'length';
  if (['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'LANGUAGE'].includes(value)) {
    return 'content_filter';
  }
  return calledTools ? 'tool_calls' : 'stop';
}

function geminiUsage(metadata: Json): TokenUsage {
  const prompt = numberAt(metadata, 'promptTokenCount');
  const cached = numberAt(metadata, 'cachedContentTokenCount');
  const thoughts = numberAt(metadata, 'thoughtsTokenCount');
  return usageOf(
    prompt - cached + numberAt(metadata, 'toolUsePromptTokenCount'),
    cached,
    0,
    numberAt(metadata, 'candidatesTokenCount') + thoughts,
    thoughts,
  );
}

/** `$.a.b[2].c` → ['a', 'b', 2, 'c']. */
function pathSteps(jsonPath: string): (string | number)[] {
  const steps: (string | number)[] = [];
  for (const match of jsonPath.replace(/^\$/, '').matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) {
    steps.push(match[1] !== undefined ? match[1] : Number(match[2]));
  }
  return steps;
}

function setAtPath(root: Json, steps: (string | number)[], value: unknown, append: boolean): void {
  let node: Record<string | number, unknown> = root;
  steps.forEach((step, position) => {
    if (position === steps.length - 1) {
      node[step] = append && typeof node[step] === 'string' ? `${node[step]}${String(value)}` : value;
      return;
    }
    if (typeof node[step] !== 'object' || node[step] === null) {
      node[step] = typeof steps[position + 1] === 'number' ? [] : {};
    }
    node = node[step] as Record<string | number, unknown>;
  });
}

export function readGemini(events: Json[]): ExpectedResponse {
  let text = '';
  let reasoning = '';
  let finish: unknown = undefined;
  let usage: Json | null = null;
  let model = '';
  const toolCalls: ExpectedToolCall[] = [];
  let open: { name: string; args: Json } | null = null;
  const close = () => {
    if (open) toolCalls.push({ id: null, name: open.name, arguments: open.args });
    open = null;
  };
  for (const event of events) {
    if (typeof event.modelVersion === 'string') model = event.modelVersion;
    const metadata = objectAt(event, 'usageMetadata');
    if (typeof metadata.promptTokenCount === 'number') usage = metadata;
    const candidate =
      Array.isArray(event.candidates) && isObject(event.candidates[0]) ? event.candidates[0] : {};
    for (const part of Array.isArray(objectAt(candidate, 'content').parts)
      ? (objectAt(candidate, 'content').parts as unknown[])
      : []) {
      if (!isObject(part)) continue;
      if (typeof part.text === 'string') {
        if (part.thought === true) reasoning += part.text;
        else text += part.text;
      }
      if (!isObject(part.functionCall)) continue;
      const call = part.functionCall;
      if (typeof call.name === 'string') {
        close();
        open = { name: call.name, args: isObject(call.args) ? call.args : {} };
      }
      for (const piece of Array.isArray(call.partialArgs) ? call.partialArgs.filter(isObject) : []) {
        const current = open;
        if (!current) continue;
        const value =
          'stringValue' in piece
            ? piece.stringValue
            : 'numberValue' in piece
              ? piece.numberValue
              : 'boolValue' in piece
                ? piece.boolValue
                : null;
        setAtPath(current.args, pathSteps(String(piece.jsonPath)), value, 'stringValue' in piece);
      }
      if (call.willContinue !== true) close();
    }
    if (candidate.finishReason !== undefined) {
      close();
      finish = candidate.finishReason;
    }
  }
  close();
  return {
    text,
    reasoning,
    toolCalls,
    finishReason: geminiFinish(finish, toolCalls.length > 0),
    usage: usage ? geminiUsage(usage) : null,
    model,
  };
}
