import { TIERS, type Tier } from '@switchyard/contracts';
import type { LoggedAsk } from './routing-log-source';

/** Prices per token of a model; null when the config and the bundled data know none. */
export type PriceOf = (model: string) => { input: number; output: number } | null;

/** One logged ask decided again. */
export interface ReplayedAsk {
  ask: LoggedAsk;
  /** the logged complexity decision and the model that answered. */
  before: { tier: Tier | null; model: string };
  /** the new decision (same ask, new weights or config). */
  after: { tier: Tier | null; model: string };
}

export interface ReplayReport {
  asks: number;
  /** asks whose router the replayed config does not have (not replayed). */
  skipped: number;
  mix: { tier: Tier | 'none'; before: number; after: number }[];
  changed: {
    id: string;
    router: string;
    before: Tier | null;
    after: Tier | null;
    beforeModel: string;
    afterModel: string;
    label: Tier | null;
    ask: string;
  }[];
  /** US dollars over the logged token counts of the replayed asks. */
  cost: { before: number; after: number; difference: number; inputTokens: number; outputTokens: number };
  /** models whose price is unknown (their asks cost nothing here). */
  unpriced: string[];
  /** against the labelled asks among them: how many decisions match the label, before and after. */
  labelled: { asks: number; agreeBefore: number; agreeAfter: number };
}

function costOf(price: ReturnType<PriceOf>, ask: LoggedAsk): number {
  return price === null ? 0 : ask.inputTokens * price.input + ask.outputTokens * price.output;
}

/** The tier mix, changed decisions, cost difference and agreement with labels of a replay. */
export function replayReport(
  replayed: readonly ReplayedAsk[],
  skipped: number,
  priceOf: PriceOf,
): ReplayReport {
  const tiers: (Tier | 'none')[] = [...TIERS, 'none'];
  const mix = tiers.map((tier) => ({
    tier,
    before: replayed.filter((item) => (item.before.tier ?? 'none') === tier).length,
    after: replayed.filter((item) => (item.after.tier ?? 'none') === tier).length,
  }));
  const unpriced = new Set<string>();
  const price = (model: string) => {
    const found = priceOf(model);
    if (found === null) unpriced.add(model);
    return found;
  };
  let before = 0;
  let after = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  for (const item of replayed) {
    before += costOf(price(item.before.model), item.ask);
    after += costOf(price(item.after.model), item.ask);
    inputTokens += item.ask.inputTokens;
    outputTokens += item.ask.outputTokens;
  }
  const labelled = replayed.filter((item) => item.ask.label !== null);
  return {
    asks: replayed.length,
    skipped,
    mix,
    changed: replayed
      .filter((item) => item.before.tier !== item.after.tier || item.before.model !== item.after.model)
      .map((item) => ({
        id: item.ask.id,
        router: item.ask.router,
        before: item.before.tier,
        after: item.after.tier,
        beforeModel: item.before.model,
        afterModel: item.after.model,
        label: item.ask.label,
        ask: item.ask.ask,
      })),
    cost: { before, after, difference: after - before, inputTokens, outputTokens },
    unpriced: [...unpriced].sort(),
    labelled: {
      asks: labelled.length,
      agreeBefore: labelled.filter((item) => item.before.tier === item.ask.label).length,
      agreeAfter: labelled.filter((item) => item.after.tier === item.ask.label).length,
    },
  };
}

const dollars = (value: number) => `$${value.toFixed(4)}`;
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${dollars(Math.abs(value))}`;

/** The report as text: tier mix, cost, agreement with labels, then the changed decisions. */
export function formatReplayReport(report: ReplayReport, title: string, showChanged: number): string {
  const share = (count: number) =>
    report.asks === 0 ? '0.0%' : `${((count / report.asks) * 100).toFixed(1)}%`;
  const percentChange = report.cost.before === 0 ? 0 : (report.cost.difference / report.cost.before) * 100;
  const relative =
    report.cost.before === 0
      ? ''
      : ` (${percentChange >= 0 ? '+' : '−'}${Math.abs(percentChange).toFixed(1)}%)`;
  const lines = [
    title,
    `${report.asks} logged asks replayed${report.skipped > 0 ? `, ${report.skipped} skipped (their router is not in the config)` : ''}.`,
    '',
    'Tier mix:',
    '',
    '| tier | before | after | change |',
    '|---|---:|---:|---:|',
    ...report.mix
      .filter((row) => row.before > 0 || row.after > 0)
      .map(
        (row) =>
          `| ${row.tier} | ${row.before} (${share(row.before)}) | ${row.after} (${share(row.after)}) | ${row.after - row.before >= 0 ? '+' : '−'}${Math.abs(row.after - row.before)} |`,
      ),
    '',
    `Cost over the logged tokens (${report.cost.inputTokens.toLocaleString('en-US')} input, ${report.cost.outputTokens.toLocaleString('en-US')} output), priced at the config's tier models: before ${dollars(report.cost.before)}, after ${dollars(report.cost.after)}, difference ${signed(report.cost.difference)}${relative}.`,
    ...(report.unpriced.length > 0
      ? [`No price for ${report.unpriced.join(', ')}: their asks are counted at $0.`]
      : []),
    report.labelled.asks > 0
      ? `Labelled asks: ${report.labelled.asks}; decisions matching the label: before ${report.labelled.agreeBefore}, after ${report.labelled.agreeAfter}.`
      : 'Labelled asks: none.',
    '',
    `Changed decisions: ${report.changed.length}${report.changed.length > showChanged ? ` (the first ${showChanged} shown)` : ''}`,
    ...(report.changed.length > 0
      ? [
          '',
          '| id | router | before | after | model after | label | ask |',
          '|---:|---|---|---|---|---|---|',
          ...report.changed
            .slice(0, showChanged)
            .map(
              (row) =>
                `| ${row.id} | ${row.router} | ${row.before ?? 'none'} | ${row.after ?? 'none'} | ${row.afterModel} | ${row.label ?? ''} | ${oneLine(row.ask)} |`,
            ),
        ]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').replaceAll('|', '\\|').trim();
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}
