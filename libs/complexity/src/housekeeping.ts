import type { ChatMessage } from '@switchyard/contracts';
import { humanText } from './ask';
import type { HousekeepingPattern } from './router-config';
import { isPythonWhitespace } from './text/unicode-text';

/**
 * What marks side work (a session title) that goes to the cheapest configured tier unscored:
 * Claude Code's two title sentinels in the user turn (LiteLLM's), and OpenCode's title generator
 * system prompt (Switchyard's). `housekeeping_patterns` in a router's config replaces this list.
 */
export const DEFAULT_HOUSEKEEPING_PATTERNS: readonly HousekeepingPattern[] = [
  { user_contains: 'You are coming up with a succinct title for a coding session' },
  { user_contains: 'Write the title in the predominant language of the session' },
  { system_starts_with: 'You are a title generator' },
];

/** Recognises housekeeping requests; both tests are case-sensitive. */
export class HousekeepingDetector {
  private readonly userContains: readonly string[];
  private readonly systemStartsWith: readonly string[];

  constructor(patterns: readonly HousekeepingPattern[]) {
    this.userContains = patterns.flatMap((pattern) =>
      'user_contains' in pattern ? [pattern.user_contains] : [],
    );
    this.systemStartsWith = patterns.flatMap((pattern) =>
      'system_starts_with' in pattern ? [pattern.system_starts_with] : [],
    );
  }

  get enabled(): boolean {
    return this.userContains.length > 0 || this.systemStartsWith.length > 0;
  }

  /**
   * The pattern that matched, described for the decision's notes; null when none did. The user
   * test reads the newest user turn; the system test reads the start of each system message
   * (leading whitespace ignored), so a long system prompt is never scanned.
   */
  detect(messages: readonly ChatMessage[], newestUserText: string | null): string | null {
    if (newestUserText !== null) {
      for (const sentinel of this.userContains) {
        if (newestUserText.includes(sentinel)) return `user turn contains "${sentinel}"`;
      }
    }
    if (this.systemStartsWith.length === 0) return null;
    for (const message of messages) {
      const role: unknown = (message as { role?: unknown } | null)?.role;
      if (role !== 'system' && role !== 'developer') continue;
      const text = humanText(message.content);
      const start = firstNonSpace(text);
      for (const prefix of this.systemStartsWith) {
        if (text.startsWith(prefix, start)) return `system prompt starts with "${prefix}"`;
      }
    }
    return null;
  }
}

function firstNonSpace(text: string): number {
  let index = 0;
  while (index < text.length && isPythonWhitespace(text.charCodeAt(index))) index += 1;
  return index;
}
