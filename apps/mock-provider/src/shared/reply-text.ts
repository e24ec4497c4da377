import type { ChatInput } from './chat-input';

/** Number of words of the last user message (or tool result) that the reply echoes. */
export const REPLY_WORDS = 12;

const directiveOpening = '[[mock:';
const directiveClosing = '}]]';

/**
 * Finds a `[[mock:{…json…}]]` directive in a message. The JSON runs from the first `{` after
 * `[[mock:` to the first `}]]`.
 */
export function extractDirective(text: string): { json: string; rest: string } | null {
  const start = text.indexOf(directiveOpening);
  if (start === -1) return null;
  const end = text.indexOf(directiveClosing, start + directiveOpening.length);
  if (end === -1) return null;
  return {
    json: text.slice(start + directiveOpening.length, end + 1),
    rest: `${text.slice(0, start)}${text.slice(end + directiveClosing.length)}`,
  };
}

/** Removes every `[[mock:…]]` directive from a message. */
export function stripDirectives(text: string): string {
  let current = text;
  for (let found = extractDirective(current); found !== null; found = extractDirective(current)) {
    current = found.rest;
  }
  return current;
}

/** The first `count` whitespace-separated words of `text`, joined by single spaces. */
export function firstWords(text: string, count = REPLY_WORDS): string {
  const words: string[] = [];
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    words.push(word);
    if (words.length === count) break;
  }
  return words.join(' ');
}

/**
 * THE REPLY RULE (tests elsewhere compare against it):
 *
 * - last message is a user message: `Mock reply from <model>: <first 12 words of its text>`
 * - last message is a tool result:  `Mock reply from <model>: tool result: <first 12 words of the result>`
 * - anything else (or no words):    `Mock reply from <model>.`
 *
 * `<model>` is the model id of the request (the path's model for Gemini). Words are split on
 * whitespace and joined by one space; `[[mock:…]]` directives are removed first. A `reply` knob
 * replaces the whole text.
 */
export function buildReplyText(model: string, lastTurn: ChatInput['lastTurn']): string {
  const prefix = `Mock reply from ${model}`;
  switch (lastTurn.kind) {
    case 'user': {
      const words = firstWords(stripDirectives(lastTurn.text));
      return words === '' ? `${prefix}.` : `${prefix}: ${words}`;
    }
    case 'tool-result': {
      const words = firstWords(lastTurn.text);
      return words === '' ? `${prefix}: tool result received.` : `${prefix}: tool result: ${words}`;
    }
    case 'assistant':
    case 'none':
      return `${prefix}.`;
  }
}

/** Reasoning text shown when a request asks to see it (Anthropic thinking, Gemini thoughts). */
export function buildReasoningText(model: string): string {
  return `Mock reasoning from ${model}: the answer follows from the request.`;
}

const surrogate = /[\uD800-\uDFFF]/;

/**
 * Splits `text` into at most `count` consecutive non-empty pieces of near-equal length (never
 * inside a surrogate pair). Joining the pieces gives `text` back.
 */
export function splitIntoChunks(text: string, count: number): string[] {
  if (text === '') return [];
  const units = surrogate.test(text) ? Array.from(text) : null;
  const length = units === null ? text.length : units.length;
  const pieces = Math.max(1, Math.min(Math.floor(count), length));
  const chunks: string[] = [];
  for (let index = 0; index < pieces; index += 1) {
    const start = Math.floor((index * length) / pieces);
    const end = Math.floor(((index + 1) * length) / pieces);
    chunks.push(units === null ? text.slice(start, end) : units.slice(start, end).join(''));
  }
  return chunks;
}
