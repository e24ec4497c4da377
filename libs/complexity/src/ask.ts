import type { ChatMessage } from '@switchyard/contracts';
import { stripPythonWhitespace } from './text/unicode-text';

const REMINDER_BLOCK = /<system-reminder>[\s\S]*?<\/system-reminder>/i;
const REMINDER_BLOCKS = /<system-reminder>[\s\S]*?<\/system-reminder>/gi;
/**
 * What Codex sends as user messages but the user never typed: `<environment_context>` (working
 * directory, shell, date), `<user_instructions>`, and AGENTS.md wrapped in `<INSTRUCTIONS>`.
 */
const AGENT_CONTEXT_BLOCKS =
  /<environment_context>[\s\S]*?<\/environment_context>|<user_instructions>[\s\S]*?<\/user_instructions>|(?:# AGENTS\.md instructions for [^\n]*\s*)?<INSTRUCTIONS>[\s\S]*?<\/INSTRUCTIONS>/g;

/**
 * The human text of a message's content: a string as it is; a list keeps only its `type: "text"`
 * parts, joined with single spaces (tool results, images and the like are not human text);
 * anything else is empty.
 */
export function humanText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  let first = true;
  for (const part of content as unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const { type, text: partText } = part as { type?: unknown; text?: unknown };
    if (type !== 'text' || typeof partText !== 'string') continue;
    text = first ? partText : `${text} ${partText}`;
    first = false;
  }
  return text;
}

/**
 * Removes every complete `<system-reminder>…</system-reminder>` block (tags case-insensitive),
 * trims the remaining pieces (Python's `strip`) and joins the non-empty ones with single spaces.
 */
export function stripSystemReminders(text: string): string {
  if (!text.includes('<') || !REMINDER_BLOCK.test(text)) return stripPythonWhitespace(text);
  let joined = '';
  for (const piece of text.split(REMINDER_BLOCKS)) {
    const trimmed = stripPythonWhitespace(piece);
    if (trimmed.length === 0) continue;
    joined = joined.length === 0 ? trimmed : `${joined} ${trimmed}`;
  }
  return joined;
}

/**
 * Removes the context blocks a coding agent adds to a user turn (Codex's `<environment_context>`,
 * `<user_instructions>`, AGENTS.md `<INSTRUCTIONS>`), so a turn holding only them is no ask.
 */
export function stripAgentContext(text: string): string {
  if (!text.includes('<')) return text;
  return text.replace(AGENT_CONTEXT_BLOCKS, ' ');
}

/** The texts of a request that routing reads. */
export interface Conversation {
  /** the newest user message with non-empty human text, reminders removed; null when there is none. */
  ask: string | null;
  /** the human text of the newest user message as sent (reminders kept), for housekeeping and escalation. */
  newestUserText: string | null;
}

function roleOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null ? (message as { role?: unknown }).role : undefined;
}

function contentOf(message: unknown): unknown {
  return (message as { content?: unknown }).content;
}

/**
 * Reads the ask and the newest user turn, walking back from the newest message. A user turn that
 * comes out empty (tool results only, reminders or agent context only, whitespace) is skipped; `assistant`,
 * `tool` and `system` messages are never the ask. Only user messages are read.
 */
export function readConversation(messages: readonly ChatMessage[]): Conversation {
  let newestUserText: string | null = null;
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (roleOf(message) !== 'user') continue;
    const text = humanText(contentOf(message));
    if (newestUserText === null) newestUserText = text;
    if (text.length === 0) continue;
    const ask = stripSystemReminders(stripAgentContext(text));
    if (ask.length > 0) return { ask, newestUserText };
  }
  return { ask: null, newestUserText };
}

/** The ask: the text of the newest user message whose human text is non-empty; null when there is none. */
export function extractAsk(messages: readonly ChatMessage[]): string | null {
  return readConversation(messages).ask;
}

/** The human text of the newest `system` (or `developer`) message; null when there is none. */
export function latestSystemPrompt(messages: readonly ChatMessage[]): string | null {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const role = roleOf(messages[index]);
    if (role === 'system' || role === 'developer') return humanText(contentOf(messages[index]));
  }
  return null;
}
