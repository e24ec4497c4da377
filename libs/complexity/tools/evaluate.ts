import { join, relative } from 'node:path';
import {
  ConfigError,
  type GatewayConfiguration,
  loadGatewayConfig,
  readCliOptions,
} from '@switchyard/config';
import { TIERS, type Tier } from '@switchyard/contracts';
import type { ComplexityRouterConfig } from '../src/router-config';
import { ROUTING_DOCS, writeDocsSection } from './docs-section';
import { conversationReport } from './conversation-report';
import { crossCorpusReport } from './cross-corpus-report';
import { labelAgreementReport, readRelabels, readersByPartTable } from './label-agreement';
import { routeAsks, routerWith } from './route-asks';
import { readSessions } from './sessions';
import { TRAINING_SETTINGS } from './train-router';
import {
  CORPUS_PATHS,
  type CorpusAsk,
  isFirstCorpus,
  readRawCorpus,
  readSplit,
  repositoryRoot,
  tierIndex,
} from './routing-corpus';
import {
  DEFAULT_TOKEN_PROFILE,
  type RoutingReport,
  type TierPrices,
  askCost,
  confusionTable,
  dollars,
  percent,
  routingReport,
  summaryTable,
} from './routing-metrics';

const USAGE = `usage: npm run eval:router -- [--config FILE] [--router NAME] [--no-docs]

Routes every ask of the held-out split (${CORPUS_PATHS.test}) with the heuristic (the router's
tuned config, and LiteLLM's defaults) and with the learned model (quality_bias 0 … 1), and prints
confusion matrices, exact agreement, the share of COMPLEX/REASONING asks sent to SIMPLE and the
cost per 1,000 asks at the router's tier prices. The report also replaces the generated section
of docs/routing.md.
  --config FILE   LiteLLM-format config with the router (default config/litellm_config.yaml)
  --router NAME   the router whose tiers, prices and tuned weights are used (default opencodego-router)
  --no-docs       print only; leave docs/routing.md alone`;

const QUALITY_BIASES = [0, 0.25, 0.5, 0.75, 1];

function tierPrices(configuration: GatewayConfiguration, config: ComplexityRouterConfig): TierPrices {
  const entries = TIERS.map((tier): [Tier, { input: number; output: number }] => {
    const pool = config.tiers[tier];
    const model = typeof pool === 'string' ? pool : pool?.[0];
    if (model === undefined) throw new Error(`the router has no ${tier} tier`);
    const prices = configuration.deploymentsFor(model)[0]?.prices;
    if (prices?.inputPerToken === undefined || prices.outputPerToken === undefined) {
      throw new Error(`${model} (${tier}) has no input_cost_per_token/output_cost_per_token in the config`);
    }
    return [tier, { input: prices.inputPerToken, output: prices.outputPerToken }];
  });
  return Object.fromEntries(entries) as Record<Tier, { input: number; output: number }>;
}

function breakdown(
  asks: readonly CorpusAsk[],
  labels: readonly number[],
  reports: { name: string; decided: number[] }[],
): string {
  const groups: { name: string; member: (ask: CorpusAsk) => boolean }[] = [
    { name: 'part a (TS/JS, Python, SQL, shell)', member: (ask) => ask.source === 'a' },
    { name: 'part b (Go, Rust, infra, systems)', member: (ask) => ask.source === 'b' },
    { name: 'part c (other writers and voices)', member: (ask) => ask.source === 'c' },
    { name: 'corpus B (other voices and sources)', member: (ask) => !isFirstCorpus(ask) },
    { name: 'English', member: (ask) => ask.lang === 'en' },
    { name: 'other languages', member: (ask) => ask.lang !== 'en' },
  ];
  const lines = [
    `| asks | n | ${reports.map((report) => report.name).join(' | ')} |`,
    `|---|---:|${reports.map(() => '---:').join('|')}|`,
  ];
  for (const group of groups) {
    const members = asks.flatMap((ask, index) => (group.member(ask) ? [index] : []));
    const cells = reports.map((report) => {
      const exact = members.filter((index) => report.decided[index] === labels[index]).length;
      return percent(exact / members.length);
    });
    lines.push(`| ${group.name} | ${members.length} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const options = readCliOptions<{ config?: string; router?: string; 'no-docs'?: boolean }>(
    {
      config: { type: 'string' },
      router: { type: 'string' },
      'no-docs': { type: 'boolean' },
    },
    USAGE,
  );
  if (typeof options === 'number') return options;
  const root = repositoryRoot();
  const configuration = loadGatewayConfig({
    configPath: options.config ?? join(root, 'config/litellm_config.yaml'),
    environment: {},
  });
  const routerName = options.router ?? 'opencodego-router';
  const definition = configuration.router(routerName);
  if (definition === undefined) {
    process.stderr.write(`"${routerName}" is not a router of ${configuration.source}\n${USAGE}\n`);
    return 2;
  }
  const tuned = definition.config;
  const prices = tierPrices(configuration, tuned);
  const profile = DEFAULT_TOKEN_PROFILE;
  const test = readSplit(join(root, CORPUS_PATHS.test));
  const labels = test.map((ask) => tierIndex(ask.tier));

  const heuristicTuned = await routeAsks(
    routerWith(routerName, { ...tuned, classifier_type: 'heuristic' }),
    test,
  );
  const heuristicDefaults = await routeAsks(routerWith(routerName, { tiers: tuned.tiers }), test);
  const learned: { qualityBias: number; decided: number[] }[] = [];
  for (const qualityBias of QUALITY_BIASES) {
    const decided = await routeAsks(
      routerWith(routerName, { tiers: tuned.tiers, classifier_type: 'learned', quality_bias: qualityBias }),
      test,
    );
    learned.push({ qualityBias, decided });
  }
  const learnedDefault = learned[0].decided;

  const reports: RoutingReport[] = [
    routingReport(`heuristic, ${routerName} tuned config`, labels, heuristicTuned, prices, profile),
    routingReport('heuristic, LiteLLM defaults', labels, heuristicDefaults, prices, profile),
    routingReport('learned (quality_bias 0)', labels, learnedDefault, prices, profile),
    routingReport('the labels (perfect routing)', labels, labels, prices, profile),
  ];
  const curve = learned.map(({ qualityBias, decided }) =>
    routingReport(`learned, quality_bias ${qualityBias}`, labels, decided, prices, profile),
  );
  const always = askCost('REASONING', prices, profile) * 1_000;
  const priceLines = TIERS.map((tier) => {
    const pool = tuned.tiers[tier];
    const model = typeof pool === 'string' ? pool : (pool?.[0] ?? '-');
    return `| ${tier} | ${model} | $${(prices[tier].input * 1e6).toFixed(2)} | $${(prices[tier].output * 1e6).toFixed(2)} | ${dollars(askCost(tier, prices, profile) * 1_000)} |`;
  });

  const report = [
    `Held-out split: ${test.length} asks (${TIERS.map((tier, index) => `${labels.filter((label) => label === index).length} ${tier}`).join(', ')}), never used for training or for choosing features and settings. Router \`${routerName}\` of \`${relative(root, configuration.source)}\`; token profile: ${profile.inputTokens.toLocaleString('en-US')} input + ${profile.outputTokens.toLocaleString('en-US')} output tokens per ask; always REASONING costs ${dollars(always)} per 1,000 asks.`,
    '',
    '#### Summary',
    '',
    summaryTable(reports, always),
    '',
    '#### Tier prices',
    '',
    '| tier | model | $ per 1M input | $ per 1M output | $ per 1,000 asks |',
    '|---|---|---:|---:|---:|',
    ...priceLines,
    '',
    '#### quality_bias trade-off (learned)',
    '',
    summaryTable(curve, always),
    '',
    '#### Exact agreement by corpus part and language',
    '',
    breakdown(test, labels, [
      { name: 'heuristic (tuned)', decided: heuristicTuned },
      { name: 'heuristic (defaults)', decided: heuristicDefaults },
      { name: 'learned', decided: learnedDefault },
    ]),
    '',
    `#### Confusion: heuristic, ${routerName} tuned config`,
    '',
    confusionTable(reports[0].confusion),
    '',
    '#### Confusion: heuristic, LiteLLM defaults',
    '',
    confusionTable(reports[1].confusion),
    '',
    '#### Confusion: learned, quality_bias 0',
    '',
    confusionTable(reports[2].confusion),
    '',
    '#### Confusion: learned, quality_bias 0.5',
    '',
    confusionTable(curve[2].confusion),
  ].join('\n');
  process.stdout.write(`${report}\n`);

  const first = readRawCorpus(root);
  const second = readRawCorpus(root, CORPUS_PATHS.second);
  const cross = await crossCorpusReport({
    first,
    second,
    routerName,
    tuned,
    prices,
    profile,
    always,
    settings: TRAINING_SETTINGS,
  });
  process.stdout.write(`\n${cross.text}\n`);

  const relabels = readRelabels(join(root, CORPUS_PATHS.relabels));
  const heldOutA = test.flatMap((ask, index) =>
    isFirstCorpus(ask) ? [{ ask, decided: learnedDefault[index] }] : [],
  );
  const agreement = labelAgreementReport(
    [
      {
        name: 'corpus A, held out',
        asks: heldOutA.map(({ ask }) => ask),
        modelName: 'the shipped model',
        decided: heldOutA.map(({ decided }) => decided),
      },
      { name: 'corpus B', asks: second, modelName: 'trained on A', decided: cross.directions[0].decided },
    ],
    relabels,
  );
  const readers = readersByPartTable([...first, ...second], relabels);
  const agreementText = [
    'Every ask, by part of corpus A and source of corpus B (two readers each):',
    '',
    readers,
    '',
    'The model beside the readers, on the asks it never saw:',
    '',
    agreement,
  ].join('\n');
  process.stdout.write(`\n${agreementText}\n`);

  const conversations = await conversationReport(
    readSessions(join(root, CORPUS_PATHS.sessions)),
    routerName,
    tuned,
    (tier) => askCost(TIERS[tier], prices, profile),
  );
  process.stdout.write(`\n${conversations}\n`);

  if (!options['no-docs']) {
    await writeDocsSection(root, 'eval:router', report);
    await writeDocsSection(root, 'cross-corpus', cross.text);
    await writeDocsSection(root, 'label-agreement', agreementText);
    await writeDocsSection(root, 'conversations', conversations);
    process.stderr.write(`eval: wrote the report into ${ROUTING_DOCS}\n`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`,
    );
    process.exitCode = 1;
  },
);
