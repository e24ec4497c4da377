import type { MockFormat } from './mock-format';

/** A tool offered to the model, whatever the wire format called it. */
export interface MockTool {
  name: string;
  description: string;
  /** the tool's JSON schema (`parameters`, `input_schema`, `parametersJsonSchema`). */
  parameters: unknown;
}

/** What the request allows the model to do with its tools, normalised across formats. */
export type MockToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  /** OpenAI `required`, Mistral `any`/`required`, Anthropic `any`, Gemini `ANY`. */
  | { type: 'required'; allowed: readonly string[] | null }
  | { type: 'tool'; name: string };

/** How the conversation ends, which decides between a text reply and a tool call. */
export type LastTurn =
  | { kind: 'user'; text: string }
  | { kind: 'tool-result'; text: string }
  | { kind: 'assistant'; text: string }
  | { kind: 'none' };

/**
 * One chat request, normalised from any of the four formats: just what the mock needs to build
 * its deterministic reply and usage.
 */
export interface ChatInput {
  format: MockFormat;
  model: string;
  stream: boolean;
  /** characters of the system prompt (OpenAI system/developer messages, Anthropic `system`, Gemini `systemInstruction`). */
  systemCharacters: number;
  /**
   * characters the mock counts as prompt: system text, the text of every message (tool call
   * arguments and tool results included), and every tool definition (name, description and the
   * JSON of its schema).
   */
  promptCharacters: number;
  /** messages, the system prompt counting as one. */
  messageCount: number;
  lastTurn: LastTurn;
  tools: readonly MockTool[];
  toolChoice: MockToolChoice;
  /** deterministic reasoning tokens the request asked for (0 when it asked for none). */
  reasoningTokens: number;
  /** Gemini `includeThoughts` / Anthropic thinking display: emit the reasoning text as well. */
  showReasoning: boolean;
  /** Anthropic: the request carries `cache_control` somewhere. */
  cacheControl: boolean;
  /** the output limit the request set, if any. */
  maxOutputTokens: number | null;
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean;
  /** raw JSON text of a `[[mock:{…}]]` directive found in the last user message. */
  directive: string | null;
}
