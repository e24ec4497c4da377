import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ComplexityRouter } from '@switchyard/complexity';
import {
  ConfigError,
  GatewayConfigEnvironment,
  loadGatewayConfig,
  processEnvironment,
  readEnvironment,
  readCliOptions,
} from '@switchyard/config';
import { contextWindowOfModel } from './context-window-of-model';
import { explainLine } from './explain-line';

const USAGE = `usage: npm run route:explain -- --config FILE --router NAME < requests.jsonl

Reads one chat completions request (JSON) per line on stdin and prints, per line, the router's
decision as one JSON line: tier, model, score, cause, dimensions, notes. A line that is not a
request prints {"line": N, "error": "..."} and the next line is read.
  --config FILE   LiteLLM-format gateway config (default: $GATEWAY_CONFIG, else config/demo.yaml)
  --router NAME   a complexity router of that config`;

async function main(): Promise<number> {
  const options = readCliOptions<{ config?: string; router?: string }>(
    {
      config: { type: 'string' },
      router: { type: 'string' },
    },
    USAGE,
  );
  if (typeof options === 'number') return options;
  const environment = processEnvironment();
  const configPath = options.config ?? readEnvironment(GatewayConfigEnvironment, environment).GATEWAY_CONFIG;
  const configuration = loadGatewayConfig({ configPath, environment });
  const routers = configuration.routers.map((router) => router.name);
  const definition = options.router === undefined ? undefined : configuration.router(options.router);
  if (definition === undefined) {
    process.stderr.write(
      `${options.router === undefined ? 'missing --router' : `"${options.router}" is not a router`} in ${configuration.source} (routers: ${routers.join(', ') || 'none'})\n${USAGE}\n`,
    );
    return 2;
  }
  const router = new ComplexityRouter(definition, { contextWindowOf: contextWindowOfModel(configuration) });

  let lineNumber = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNumber += 1;
    const output = await explainLine(router, line, lineNumber);
    if (output !== null && !process.stdout.write(`${output}\n`)) await once(process.stdout, 'drain');
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
