import { TIERS, type Tier } from '@switchyard/contracts';

/** `matrix[label][decided]`: how many asks of each labelled tier went to each tier. */
export type ConfusionMatrix = number[][];

/** How well a router's tiers agree with the labels, and what they cost. */
export interface RoutingReport {
  name: string;
  asks: number;
  confusion: ConfusionMatrix;
  /** share of asks routed to exactly their labelled tier. */
  exactAgreement: number;
  /** share of COMPLEX or REASONING asks routed to SIMPLE. */
  hardToSimple: number;
  hardToSimpleCount: number;
  hardCount: number;
  /** share of SIMPLE asks routed to COMPLEX or REASONING (money spent for nothing). */
  simpleToHard: number;
  simpleToHardCount: number;
  simpleCount: number;
  /** share of asks routed below their labelled tier. */
  underRouted: number;
  /** share of asks routed above their labelled tier. */
  overRouted: number;
  /** estimated US dollars per 1,000 asks under the token profile. */
  costPerThousand: number;
}

/** Per-token prices (US dollars) of the model each tier routes to. */
export type TierPrices = Readonly<Record<Tier, { input: number; output: number }>>;

/** The tokens one ask is assumed to cost. */
export interface TokenProfile {
  inputTokens: number;
  outputTokens: number;
}

export const DEFAULT_TOKEN_PROFILE: Readonly<TokenProfile> = { inputTokens: 2_000, outputTokens: 500 };

export function emptyConfusion(): ConfusionMatrix {
  return TIERS.map(() => TIERS.map(() => 0));
}

/** The cost of one ask routed to `tier`. */
export function askCost(tier: Tier, prices: TierPrices, profile: TokenProfile): number {
  const price = prices[tier];
  return profile.inputTokens * price.input + profile.outputTokens * price.output;
}

/** The report of a router that sent labelled asks to `decided` tiers (indices 0…3, parallel arrays). */
export function routingReport(
  name: string,
  labels: readonly number[],
  decided: readonly number[],
  prices: TierPrices,
  profile: TokenProfile = DEFAULT_TOKEN_PROFILE,
): RoutingReport {
  const confusion = emptyConfusion();
  let exact = 0;
  let under = 0;
  let over = 0;
  let hard = 0;
  let hardToSimple = 0;
  let simple = 0;
  let simpleToHard = 0;
  let cost = 0;
  labels.forEach((label, index) => {
    const tier = decided[index];
    confusion[label][tier] += 1;
    if (tier === label) exact += 1;
    else if (tier < label) under += 1;
    else over += 1;
    if (label >= 2) {
      hard += 1;
      if (tier === 0) hardToSimple += 1;
    }
    if (label === 0) {
      simple += 1;
      if (tier >= 2) simpleToHard += 1;
    }
    cost += askCost(TIERS[tier], prices, profile);
  });
  const asks = labels.length;
  return {
    name,
    asks,
    confusion,
    exactAgreement: exact / asks,
    hardToSimple: hard === 0 ? 0 : hardToSimple / hard,
    hardToSimpleCount: hardToSimple,
    hardCount: hard,
    simpleToHard: simple === 0 ? 0 : simpleToHard / simple,
    simpleToHardCount: simpleToHard,
    simpleCount: simple,
    underRouted: under / asks,
    overRouted: over / asks,
    costPerThousand: (cost / asks) * 1_000,
  };
}

export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

export function dollars(value: number): string {
  return `$${value.toFixed(3)}`;
}

/** A confusion matrix as a markdown table (rows: label; columns: routed to, unless `corner` says otherwise). */
export function confusionTable(confusion: ConfusionMatrix, corner = 'label ↓ / routed →'): string {
  const lines = [
    `| ${corner} | ${TIERS.join(' | ')} | total |`,
    `|---|${TIERS.map(() => '---:').join('|')}|---:|`,
  ];
  confusion.forEach((row, label) => {
    const total = row.reduce((sum, count) => sum + count, 0);
    lines.push(
      `| ${TIERS[label]} | ${row.map((count, tier) => (tier === label ? `**${count}**` : `${count}`)).join(' | ')} | ${total} |`,
    );
  });
  return lines.join('\n');
}

/** One row per report: agreement, hard → SIMPLE, SIMPLE → hard, under/over-routing, cost. */
export function summaryTable(reports: readonly RoutingReport[], baselineCost: number): string {
  const lines = [
    '| classifier | exact agreement | COMPLEX/REASONING → SIMPLE | SIMPLE → COMPLEX/REASONING | routed lower | routed higher | $ per 1,000 asks | vs always REASONING |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const report of reports) {
    const relative = report.costPerThousand / baselineCost - 1;
    lines.push(
      `| ${report.name} | ${percent(report.exactAgreement)} | ${percent(report.hardToSimple)} (${report.hardToSimpleCount}/${report.hardCount}) | ${percent(report.simpleToHard)} (${report.simpleToHardCount}/${report.simpleCount}) | ${percent(report.underRouted)} | ${percent(report.overRouted)} | ${dollars(report.costPerThousand)} | ${relative >= 0 ? '+' : '−'}${percent(Math.abs(relative))} |`,
    );
  }
  return lines.join('\n');
}
