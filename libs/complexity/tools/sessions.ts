import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type ChatMessage, type ClassifyRequest, Tier } from '@switchyard/contracts';
import type { ComplexityRouter } from '../src/complexity-router';
import { type ConfusionMatrix, emptyConfusion, percent } from './routing-metrics';
import { tierIndex } from './routing-corpus';

/**
 * One turn of a labelled session. `tier` is what the turn needs: for an `ask` its own tier (by
 * the rubric); for a `followup` ("now fix the tests"), a `continuation` ("yes") and a `tool`
 * turn (tool results, no new ask) the tier of the session's newest ask, which it must not fall
 * below; for `housekeeping` (a title request) SIMPLE, the cheapest.
 */
export const SessionTurn = z.strictObject({
  kind: z.enum(['ask', 'followup', 'continuation', 'tool', 'housekeeping']),
  text: z.string().min(1).optional(),
  tier: Tier,
  /** the corpus ask an `ask` turn was taken from. */
  from: z.string().optional(),
});
export type SessionTurn = z.infer<typeof SessionTurn>;

export const LabelledSession = z.strictObject({
  id: z.string().min(1),
  client: z.enum(['opencode', 'claude-code', 'codex']),
  turns: z.array(SessionTurn).min(1),
});
export type LabelledSession = z.infer<typeof LabelledSession>;

export function readSessions(path: string): LabelledSession[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line, index) => {
      if (line.trim().length === 0) return [];
      const parsed = LabelledSession.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path}:${index + 1}: ${parsed.error.message}`);
      return [parsed.data];
    });
}

const SYSTEM: Record<LabelledSession['client'], string> = {
  opencode: 'You are opencode, an interactive CLI tool that helps users with software engineering tasks.',
  'claude-code': 'You are Claude Code, Anthropic’s official CLI for Claude.',
  codex: 'You are a coding agent running in the Codex CLI, a terminal-based coding assistant.',
};
const CODEX_CONTEXT =
  '<environment_context>\n  <cwd>/home/dev/project</cwd>\n  <shell>bash</shell>\n</environment_context>';
const CLAUDE_REMINDER =
  '<system-reminder>As you answer the user’s questions, you can use the following context.</system-reminder>';

/** A user turn as the client sends it (after the ingress's translation to chat messages). */
function userTurn(client: LabelledSession['client'], text: string): ChatMessage {
  switch (client) {
    case 'opencode':
      return { role: 'user', content: text };
    case 'claude-code':
      return {
        role: 'user',
        content: [
          { type: 'text', text: CLAUDE_REMINDER },
          { type: 'text', text },
        ],
      };
    case 'codex':
      return { role: 'user', content: [{ type: 'text', text }] };
  }
}

/**
 * The request of every turn of a session, in the shape of its client once translated to chat
 * messages: OpenCode's chat completions (system, string user turns, tool calls and results),
 * Claude Code's messages (a `<system-reminder>` block before each ask, tool results as `tool`
 * turns), Codex's responses input (developer prompt, an `<environment_context>` user turn,
 * `function_call` / `function_call_output` items). Each request carries the history before it;
 * a housekeeping turn is the title request the client sends beside the conversation.
 */
export function sessionRequests(session: LabelledSession, router: string): ClassifyRequest[] {
  const client = session.client;
  const history: ChatMessage[] = [{ role: 'system', content: SYSTEM[client] }];
  if (client === 'codex') history.push(userTurn('codex', CODEX_CONTEXT));
  let firstAsk: string | null = null;
  let call = 0;
  const requests: ClassifyRequest[] = [];
  const request = (messages: ChatMessage[]): ClassifyRequest => ({
    router,
    body: { model: router, messages },
    requestBytes: 0,
    session: null,
  });
  for (const turn of session.turns) {
    if (turn.kind === 'housekeeping') {
      const title: ChatMessage[] =
        client === 'opencode'
          ? [
              { role: 'system', content: 'You are a title generator. You output ONLY a thread title.' },
              { role: 'user', content: 'Generate a title for this conversation:\n' },
              { role: 'user', content: firstAsk ?? '' },
            ]
          : [
              {
                role: 'user',
                content: `You are coming up with a succinct title for a coding session.\n\n${firstAsk ?? ''}`,
              },
            ];
      requests.push(request(title));
      continue;
    }
    const text = turn.text ?? '';
    if (turn.kind === 'tool') {
      call += 1;
      history.push({
        role: 'assistant',
        content: null,
        tool_calls: [{ id: `call_${call}`, type: 'function', function: { name: 'bash', arguments: '{}' } }],
      } as unknown as ChatMessage);
      history.push({ role: 'tool', tool_call_id: `call_${call}`, content: text });
    } else {
      if (history.length > (client === 'codex' ? 2 : 1)) {
        history.push({ role: 'assistant', content: 'Done. Anything else?' });
      }
      history.push(userTurn(client, text));
      firstAsk ??= text;
    }
    requests.push(request([...history]));
  }
  return requests;
}

/** What a router did with every turn of the sessions. */
export interface SessionFigures {
  name: string;
  turns: number;
  /** followup, continuation and tool turns routed to their label's tier or above. */
  continuationHeld: number;
  continuationCount: number;
  /** new asks routed to exactly their tier. */
  askExact: number;
  askCount: number;
  /** housekeeping turns routed to SIMPLE. */
  housekeepingCheapest: number;
  housekeepingCount: number;
  /** $ per 1,000 turns. */
  costPerThousand: number;
  confusion: ConfusionMatrix;
}

/** Routes every turn of every session and measures the continuation and housekeeping targets. */
export async function routeSessions(
  name: string,
  router: ComplexityRouter,
  sessions: readonly LabelledSession[],
  costOf: (tier: number) => number,
): Promise<SessionFigures> {
  const figures: SessionFigures = {
    name,
    turns: 0,
    continuationHeld: 0,
    continuationCount: 0,
    askExact: 0,
    askCount: 0,
    housekeepingCheapest: 0,
    housekeepingCount: 0,
    costPerThousand: 0,
    confusion: emptyConfusion(),
  };
  let cost = 0;
  for (const session of sessions) {
    const requests = sessionRequests(session, router.name);
    for (let index = 0; index < requests.length; index += 1) {
      const turn = session.turns[index];
      const decision = await router.decide(requests[index]);
      if (decision.tier === null) throw new Error(`${router.name} gave no tier for ${session.id}#${index}`);
      const routed = tierIndex(decision.tier);
      const label = tierIndex(turn.tier);
      figures.turns += 1;
      figures.confusion[label][routed] += 1;
      cost += costOf(routed);
      if (turn.kind === 'housekeeping') {
        figures.housekeepingCount += 1;
        if (routed === 0) figures.housekeepingCheapest += 1;
      } else if (turn.kind === 'ask') {
        figures.askCount += 1;
        if (routed === label) figures.askExact += 1;
      } else {
        figures.continuationCount += 1;
        if (routed >= label) figures.continuationHeld += 1;
      }
    }
  }
  figures.costPerThousand = (cost / figures.turns) * 1_000;
  return figures;
}

export function sessionTable(rows: readonly SessionFigures[]): string {
  const share = (count: number, total: number): string =>
    `${percent(total === 0 ? 0 : count / total)} (${count}/${total})`;
  return [
    '| router, conversation setting | continuations at their tier or above (target ≥ 95%) | new asks exact | housekeeping on the cheapest tier | $ per 1,000 turns |',
    '|---|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${share(row.continuationHeld, row.continuationCount)} | ${share(row.askExact, row.askCount)} | ${share(row.housekeepingCheapest, row.housekeepingCount)} | $${row.costPerThousand.toFixed(3)} |`,
    ),
  ].join('\n');
}
