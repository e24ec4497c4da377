import type { ComplexityRouterConfig } from '../src/router-config';
import { routerWith } from './route-asks';
import { type LabelledSession, type SessionFigures, routeSessions, sessionTable } from './sessions';
import { confusionTable } from './routing-metrics';

const SETTINGS: [string, ComplexityRouterConfig['conversation']][] = [
  ['off', undefined],
  ['inherit', { mode: 'inherit' }],
  ['floor, floor_turns 2', { mode: 'floor', floor_turns: 2 }],
  ['floor, floor_turns 4', { mode: 'floor', floor_turns: 4 }],
];

/**
 * Every turn of the labelled sessions through the router (learned and heuristic) under each
 * conversation setting, then per client for the learned router's `off` and `floor` settings.
 */
export async function conversationReport(
  sessions: readonly LabelledSession[],
  routerName: string,
  tuned: ComplexityRouterConfig,
  costOf: (tier: number) => number,
): Promise<string> {
  const turns = sessions.reduce((sum, session) => sum + session.turns.length, 0);
  const rows: SessionFigures[] = [];
  const byName = new Map<string, SessionFigures>();
  for (const classifier of ['learned', 'heuristic'] as const) {
    for (const [name, conversation] of SETTINGS) {
      const config: ComplexityRouterConfig =
        classifier === 'learned'
          ? { tiers: tuned.tiers, classifier_type: 'learned', conversation }
          : { ...tuned, classifier_type: 'heuristic', conversation };
      const label = `${classifier === 'learned' ? 'learned' : `heuristic (${routerName} tuned)`}, ${name}`;
      const figures = await routeSessions(label, routerWith(routerName, config), sessions, costOf);
      rows.push(figures);
      byName.set(`${classifier}/${name}`, figures);
    }
  }
  const clients: string[] = [];
  for (const client of ['opencode', 'claude-code', 'codex'] as const) {
    const subset = sessions.filter((session) => session.client === client);
    for (const [name, conversation] of [SETTINGS[0], SETTINGS[3]]) {
      const figures = await routeSessions(
        `${client} (${subset.length} sessions), learned, ${name}`,
        routerWith(routerName, { tiers: tuned.tiers, classifier_type: 'learned', conversation }),
        subset,
        costOf,
      );
      clients.push(figures.name);
      rows.push(figures);
    }
  }
  const perClient = rows.filter((row) => clients.includes(row.name));
  const main = rows.filter((row) => !clients.includes(row.name));
  const floor = byName.get('learned/floor, floor_turns 4');
  return [
    `${sessions.length} sessions, ${turns} turns (\`libs/complexity/corpus/sessions.jsonl\`); a continuation counts as held when it is routed to the tier of the session's newest ask or above.`,
    '',
    sessionTable(main),
    '',
    'Per client:',
    '',
    sessionTable(perClient),
    '',
    'Confusion, learned, floor, floor_turns 4 (every turn; label ↓ / routed →):',
    '',
    floor === undefined ? '' : confusionTable(floor.confusion),
  ].join('\n');
}
