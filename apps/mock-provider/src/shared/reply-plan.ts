import type { ChatInput, MockTool } from './chat-input';
import type { MockToolCallKnob } from './faults';
import type { JsonRecord } from './json-value';
import { MockHttpError } from './mock-http-error';
import { buildReasoningText, buildReplyText, splitIntoChunks, stripDirectives } from './reply-text';
import {
  cachedPromptTokens,
  cacheWriteTokens,
  promptTokens,
  textTokens,
  type MockUsage,
} from './token-estimate';
import { buildToolArguments, findNamedTool } from './tool-arguments';

export type MockFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface PlannedToolCall {
  name: string;
  arguments: JsonRecord;
  argumentsJson: string;
  /** the arguments JSON cut into stream pieces (joined, they give `argumentsJson`). */
  argumentChunks: string[];
  /** seed of the tool call's id (each format shapes the id its own way). */
  idSeed: string;
}

/** What the mock answers to one chat request, before any format renders it. */
export interface ReplyPlan {
  kind: 'text' | 'tool-call' | 'blocked';
  text: string;
  textChunks: string[];
  toolCall: PlannedToolCall | null;
  /** reasoning text, when the request asked for reasoning. */
  reasoningText: string | null;
  finish: MockFinishReason;
  usage: MockUsage;
}

export interface ReplyKnobs {
  chunks: number;
  reply: string | null;
  safetyBlock: boolean;
  /** the `toolCall` knob: call this tool (with these arguments) instead of applying the rule below. */
  toolCall?: MockToolCallKnob | null;
}

/**
 * THE TOOL-CALL RULE: when the conversation ends with a user message and the request offers
 * tools, the mock calls ONE tool:
 * - `tool_choice` naming a tool (OpenAI/Mistral function, Anthropic `tool`) → that tool;
 * - `none` → no tool;
 * - `required`/`any` → the tool named in the message, else the first (allowed) tool;
 * - `auto` (the default) → the first tool (in request order) whose name occurs in the last user
 *   message as a whole word, case-insensitive; none named → a text reply.
 * Its arguments are `buildToolArguments(schema)`. A conversation that ends with a tool result (or
 * an assistant message) always gets a text reply, so a tool round trip terminates.
 */
export function chooseTool(input: ChatInput): MockTool | null {
  if (input.lastTurn.kind !== 'user' || input.tools.length === 0) return null;
  const choice = input.toolChoice;
  switch (choice.type) {
    case 'none':
      return null;
    case 'tool':
      return input.tools.find((tool) => tool.name === choice.name) ?? null;
    case 'required': {
      const allowed = choice.allowed;
      const candidates =
        allowed === null ? input.tools : input.tools.filter((tool) => allowed.includes(tool.name));
      return findNamedTool(stripDirectives(input.lastTurn.text), candidates) ?? candidates[0] ?? null;
    }
    case 'auto':
      return findNamedTool(stripDirectives(input.lastTurn.text), input.tools) ?? null;
  }
}

/**
 * The `toolCall` knob: the named tool when the conversation ends with a user message (so the next
 * turn, carrying its result, gets text); a 400 in the provider's format when the request does not
 * offer it, as a real provider refuses a call to an undeclared tool.
 */
function forcedTool(input: ChatInput, knob: MockToolCallKnob): MockTool | null {
  if (input.lastTurn.kind !== 'user') return null;
  const tool = input.tools.find((candidate) => candidate.name === knob.name);
  if (tool === undefined) {
    const offered = input.tools.map((candidate) => candidate.name).join(', ') || 'none';
    throw new MockHttpError(400, `toolCall: the request offers no tool "${knob.name}" (offered: ${offered})`);
  }
  return tool;
}

export function planReply(input: ChatInput, knobs: ReplyKnobs): ReplyPlan {
  const prompt = promptTokens(input.promptCharacters, input.messageCount);
  const cached = cachedPromptTokens(prompt, input.systemCharacters);
  const usage: MockUsage = {
    promptTokens: prompt,
    cachedTokens: cached,
    cacheWriteTokens: cacheWriteTokens(prompt, cached, input.cacheControl),
    outputTokens: 0,
    reasoningTokens: 0,
  };
  if (knobs.safetyBlock) {
    return {
      kind: 'blocked',
      text: '',
      textChunks: [],
      toolCall: null,
      reasoningText: null,
      finish: 'content_filter',
      usage,
    };
  }
  usage.reasoningTokens = input.reasoningTokens;
  const reasoningText = input.reasoningTokens > 0 ? buildReasoningText(input.model) : null;

  const forced = knobs.toolCall ?? null;
  const tool = forced === null ? chooseTool(input) : forcedTool(input, forced);
  if (tool !== null) {
    const toolArguments = forced?.arguments ?? buildToolArguments(tool.parameters);
    const argumentsJson = JSON.stringify(toolArguments);
    usage.outputTokens = textTokens(tool.name.length + argumentsJson.length);
    return {
      kind: 'tool-call',
      text: '',
      textChunks: [],
      toolCall: {
        name: tool.name,
        arguments: toolArguments,
        argumentsJson,
        argumentChunks: splitIntoChunks(argumentsJson, knobs.chunks),
        idSeed: `${input.model}\u0000${tool.name}\u0000${input.lastTurn.kind === 'user' ? input.lastTurn.text : ''}`,
      },
      reasoningText,
      finish: 'tool_calls',
      usage,
    };
  }

  let text = knobs.reply ?? buildReplyText(input.model, input.lastTurn);
  let finish: MockFinishReason = 'stop';
  if (input.maxOutputTokens !== null && textTokens(text.length) > input.maxOutputTokens) {
    text = text.slice(0, Math.max(1, input.maxOutputTokens) * 4);
    finish = 'length';
  }
  usage.outputTokens = textTokens(text.length);
  return {
    kind: 'text',
    text,
    textChunks: splitIntoChunks(text, knobs.chunks),
    toolCall: null,
    reasoningText,
    finish,
    usage,
  };
}
