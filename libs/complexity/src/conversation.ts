import type { ChatMessage, Tier } from '@switchyard/contracts';
import { humanText, stripSystemReminders } from './ask';
import { tierRank } from './tier-order';

/**
 * How a router treats the turns of a conversation (`conversation` in `complexity_router_config`):
 * - `off` (default): every request is decided by its own ask, as a single ask;
 * - `inherit`: a continuation ("yes", "go on", "weiter", "继续" …) takes the tier of the
 *   session's last new ask; a new ask is decided alone;
 * - `floor`: as `inherit`, and a new ask within `floorTurns` user turns of the session's
 *   hardest recent ask never goes below that ask's tier.
 * Housekeeping (a title request) is decided before this step and stays on the cheapest tier.
 * A request's tool results carry no ask, so a tool-result turn is already decided by the ask it
 * serves. The session is read from the request's own history (agents resend it on every turn),
 * so no state is kept between requests.
 */
export type ConversationMode = 'off' | 'inherit' | 'floor';

export interface ConversationSettings {
  mode: ConversationMode;
  /** user turns back that count for the floor and for finding the session's tier. */
  floorTurns: number;
}

export const DEFAULT_CONVERSATION: Readonly<ConversationSettings> = { mode: 'off', floorTurns: 4 };

/**
 * Whole asks that only tell the agent to go on, in the corpus's languages, after lowercasing,
 * folding punctuation and dropping a trailing "please"/"thanks".
 */
const CONTINUATIONS = new Set(
  [
    'y',
    'yes',
    'yep',
    'yeah',
    'yup',
    'ok',
    'okay',
    'k',
    'kk',
    'sure',
    'go',
    'go on',
    'go ahead',
    'continue',
    'proceed',
    'do it',
    'keep going',
    'carry on',
    'next',
    'lgtm',
    'sounds good',
    'go for it',
    'yes do it',
    'ok do it',
    'yes go ahead',
    'ok go ahead',
    'ok continue',
    'yes continue',
    'yes proceed',
    'ok proceed',
    'looks good continue',
    'right',
    'correct',
    'that works continue',
    'please continue',
    'and',
    'then',
    'more',
    'go on then',
    'yes go on',
    'ja',
    'weiter',
    'mach weiter',
    'ja mach',
    'ja bitte',
    'oui',
    'vas y',
    'continue stp',
    'oui vas y',
    'sí',
    'si',
    'dale',
    'sigue',
    'adelante',
    'continúa',
    'continua',
    'sim',
    'pode',
    'pode seguir',
    'vai',
    'да',
    'давай',
    'продолжай',
    'дальше',
    'так',
    'tak',
    'dalej',
    'evet',
    'devam',
    'ja graag',
    'ga door',
    'はい',
    '続けて',
    'どうぞ',
    'お願いします',
    '好的',
    '继续',
    '好',
    '可以',
    '네',
    '계속',
    '계속해',
    '좋아',
  ].map(normalizeContinuation),
);
/** A user turn that is one tagged block and nothing else: `<environment_context>…</environment_context>`. */
const CONTEXT_BLOCK = /^<([a-z_][\w-]*)>[\s\S]*<\/\1>$/i;
const POLITE_TAIL = /\s+(please|pls|plz|thanks|thx|ty|bitte|merci|gracias|obrigado|спасибо)$/u;

function normalizeContinuation(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** True when the ask only tells the agent to go on ("yes", "go ahead", "weiter", "继续"). */
export function isContinuation(ask: string): boolean {
  if (ask.length > 48) return false;
  const normalized = normalizeContinuation(ask);
  if (normalized.length === 0) return false;
  return CONTINUATIONS.has(normalized) || CONTINUATIONS.has(normalized.replace(POLITE_TAIL, ''));
}

/**
 * The asks of the user turns before the newest ask, newest first, at most `limit`: user
 * messages whose human text is non-empty once `<system-reminder>` blocks are removed.
 */
export function previousAsks(messages: readonly ChatMessage[], limit: number): string[] {
  const asks: string[] = [];
  let newestSeen = false;
  for (let index = messages.length - 1; index >= 0 && asks.length < limit; index -= 1) {
    const message = messages[index] as { role?: unknown; content?: unknown };
    if (typeof message !== 'object' || message === null || message.role !== 'user') continue;
    const text = humanText(message.content);
    if (text.length === 0) continue;
    const ask = stripSystemReminders(text);
    if (ask.length === 0) continue;
    if (!newestSeen) {
      newestSeen = true;
      continue;
    }
    // context an agent sends as a user turn (Codex's `<environment_context>…`) is no ask.
    if (CONTEXT_BLOCK.test(ask)) continue;
    asks.push(ask);
  }
  return asks;
}

export interface ConversationOutcome {
  tier: Tier;
  note: string;
}

/**
 * Applies a router's conversation setting to the tier its classifier decided for the newest ask.
 * `tierOf` decides an earlier ask alone (the same classifier); it runs only for the earlier
 * asks that matter (at most `floorTurns`), and never on the first turn of a session.
 */
export class ConversationPolicy {
  constructor(
    private readonly settings: Readonly<ConversationSettings>,
    private readonly tierOf: (ask: string) => Tier,
  ) {}

  get enabled(): boolean {
    return this.settings.mode !== 'off';
  }

  /** The changed tier and why, or null when the decision stands. */
  apply(decided: Tier, ask: string, messages: readonly ChatMessage[]): ConversationOutcome | null {
    const { mode, floorTurns } = this.settings;
    if (mode === 'off') return null;
    const continuation = isContinuation(ask);
    if (!continuation && mode !== 'floor') return null;
    const earlier = previousAsks(messages, floorTurns);
    // the session's tier: the newest earlier new ask (inherit), or the hardest one (floor).
    let sessionTier: Tier | null = null;
    let turnsBack = 0;
    for (let index = 0; index < earlier.length; index += 1) {
      if (isContinuation(earlier[index])) continue;
      const tier = this.tierOf(earlier[index]);
      if (sessionTier === null || tierRank(tier) > tierRank(sessionTier)) {
        sessionTier = tier;
        turnsBack = index + 1;
      }
      if (mode === 'inherit') break;
    }
    if (sessionTier === null) return null;
    if (continuation) {
      if (sessionTier === decided) return null;
      return {
        tier: sessionTier,
        note: `conversation (${mode}): "${ask}" continues the ask ${turnsBack} user turn(s) back, ${sessionTier}; decided alone it was ${decided}`,
      };
    }
    if (tierRank(decided) >= tierRank(sessionTier)) return null;
    return {
      tier: sessionTier,
      note: `conversation (floor): decided ${decided}, raised to ${sessionTier}, the tier of the ask ${turnsBack} user turn(s) back (floor_turns ${floorTurns})`,
    };
  }
}
