import { resolve } from 'node:path';
import { z } from 'zod';
import {
  type GatewayConfiguration,
  loadGatewayConfig,
  readCliOptions,
  readEnvironment,
} from '@switchyard/config';
import { pricesOf } from '@switchyard/providers/pricing/model-facts';
import { ComplexityRouter } from '../src/complexity-router';
import { loadLearnedModel } from '../src/learned/learned-model';
import { type ReplayedAsk, formatReplayReport, replayReport } from './replay-report';
import { readLoggedAsks } from './routing-log-source';
import { repositoryRoot } from './routing-corpus';

const USAGE = `usage: npm run route:replay -- [--config FILE] [--weights FILE] [--router NAME] [--since TIME] [--show N] [--json]

Decides the asks of the routing log (Postgres, DATABASE_URL) again, with the routers of a config
and, with --weights, a learned model file (for example one written by
npm run train:router -- --from-log --out FILE), and prints the tier mix before and after, the
changed decisions and the cost difference, priced at the config's tier models over each call's
logged token counts. Nothing is deployed: the gateway uses new weights only once a router's
complexity_router_config names them (learned_model_path).
  --config FILE    the config to replay with (default: GATEWAY_CONFIG, else config/litellm_config.yaml)
  --weights FILE   replay every router as classifier_type: learned with these weights
  --router NAME    only the asks of this router
  --since TIME     only asks logged at or after this ISO time or date
  --show N         changed decisions listed (default 50)
  --json           the report as JSON`;

const ToolEnvironment = z.object({
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/switchyard'),
  GATEWAY_CONFIG: z.string().optional(),
});

interface ReplayOptions {
  config?: string;
  weights?: string;
  router?: string;
  since?: string;
  show?: string;
  json?: boolean;
}

function routersOf(
  configuration: GatewayConfiguration,
  weights: string | undefined,
): Map<string, ComplexityRouter> {
  const learnedModel = weights === undefined ? undefined : loadLearnedModel(resolve(weights));
  const routers = new Map<string, ComplexityRouter>();
  for (const definition of configuration.routers) {
    const config =
      weights === undefined
        ? definition.config
        : { ...definition.config, classifier_type: 'learned' as const };
    routers.set(
      definition.name,
      new ComplexityRouter({ name: definition.name, config }, { contextWindowOf: () => null, learnedModel }),
    );
  }
  return routers;
}

async function main(): Promise<number> {
  const options = readCliOptions<ReplayOptions>(
    {
      config: { type: 'string' },
      weights: { type: 'string' },
      router: { type: 'string' },
      since: { type: 'string' },
      show: { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  );
  if (typeof options === 'number') return options;
  const show = options.show === undefined ? 50 : Number(options.show);
  if (!Number.isInteger(show) || show < 0) {
    process.stderr.write(`--show must be a whole number\n${USAGE}\n`);
    return 2;
  }
  if (options.since !== undefined && Number.isNaN(Date.parse(options.since))) {
    process.stderr.write(`--since must be an ISO time or date\n${USAGE}\n`);
    return 2;
  }
  const environment = readEnvironment(ToolEnvironment);
  const configPath = resolve(
    options.config ?? environment.GATEWAY_CONFIG ?? `${repositoryRoot()}/config/litellm_config.yaml`,
  );
  const configuration = loadGatewayConfig({ configPath, environment: {} });
  const routers = routersOf(configuration, options.weights);
  const logged = await readLoggedAsks(environment.DATABASE_URL, {
    router: options.router,
    since: options.since,
  });

  const replayed: ReplayedAsk[] = [];
  let skipped = 0;
  for (const ask of logged) {
    const router = routers.get(ask.router);
    if (router === undefined) {
      skipped += 1;
      continue;
    }
    const decision = await router.decide({
      router: router.name,
      body: { model: router.name, messages: [{ role: 'user', content: ask.ask }] },
      requestBytes: Buffer.byteLength(ask.ask),
      session: null,
    });
    const afterTier = decision.complexity.tier;
    // the same tier keeps the model that answered when the config still has it in that tier's pool
    const pool = afterTier === null ? [] : (router.settings.tiers.get(afterTier) ?? []);
    const afterModel =
      afterTier === ask.complexityTier && pool.includes(ask.model) ? ask.model : decision.model;
    replayed.push({
      ask,
      before: { tier: ask.complexityTier, model: ask.model },
      after: { tier: afterTier, model: afterModel },
    });
  }
  const report = replayReport(replayed, skipped, (model) => {
    const deployment = configuration.deploymentsFor(model)[0];
    const prices = deployment === undefined ? null : pricesOf(deployment);
    return prices === null ? null : { input: prices.inputPerToken, output: prices.outputPerToken };
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const title = `Replay with ${configPath}${options.weights === undefined ? '' : ` and the weights ${resolve(options.weights)}`}`;
    process.stdout.write(formatReplayReport(report, title, show));
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String((error as Error).message ?? error)}\n`);
    process.exitCode = 1;
  },
);
