import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ComplexityRouter } from '@switchyard/complexity';
import { loadGatewayConfig } from '@switchyard/config';
import type { ChatCompletionRequest, ClassifyRequest } from '@switchyard/contracts';
import { TECHNICAL_ASK_4KB } from './technical-ask';

/** One input of the in-process benchmark and what it measured (microseconds per decision). */
export interface InProcessResult {
  input: string;
  router: string;
  requestBytes: number;
  tier: string | null;
  cause: string;
  tokenized: boolean;
  iterations: number;
  medianMicroseconds: number;
  p99Microseconds: number;
  /** null for an informational row. */
  targetMicroseconds: number | null;
  litellmMicroseconds: number | null;
}

export interface InProcessOptions {
  /** timed decisions per input (default 20,000; 2,000 for the 4 KB ask and the tokenizing row). */
  iterations?: number;
  /** untimed decisions per input first, so the JIT has settled (default 5,000). */
  warmup?: number;
}

/** Every model gets a known window, so the capacity check runs (its byte bound proves the fit). */
const CONTEXT_WINDOW = 131_072;

const FOURTH_WORKED_EXAMPLE =
  'Explain your reasoning for this authentication architecture. First, analyze the distributed design, then implement the container orchestration layer.';

function repositoryRoot(): string {
  let directory = __dirname;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package.json above ${__dirname}`);
    directory = parent;
  }
  return directory;
}

function classifyRequest(router: string, body: ChatCompletionRequest): ClassifyRequest {
  return { router, body, requestBytes: Buffer.byteLength(JSON.stringify(body)), session: null };
}

function askBody(router: string, ask: string): ChatCompletionRequest {
  return { model: router, messages: [{ role: 'user', content: ask }] };
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

/**
 * Median and p99 time of one `ComplexityRouter.decide` (scoring plus the capacity check), in
 * process, for the four inputs the targets are set for, with the heuristic and then with the
 * learned classifier (`classifier_type: learned`: feature extraction and the model included).
 * Each decision is timed on its own with `process.hrtime.bigint()` (its own cost, about 0.05 µs,
 * is included).
 */
export async function measureInProcess(options: InProcessOptions = {}): Promise<InProcessResult[]> {
  const root = repositoryRoot();
  const configuration = loadGatewayConfig({ configPath: join(root, 'config/demo.yaml'), environment: {} });
  const definition = configuration.router('opencodego-router');
  if (!definition) throw new Error('config/demo.yaml has no opencodego-router');
  const router = new ComplexityRouter(definition, { contextWindowOf: () => CONTEXT_WINDOW });
  // The same router with windows below the fixture's byte size: the capacity check must tokenize.
  const tokenizing = new ComplexityRouter(definition, { contextWindowOf: () => 30_000 });
  // The same router with `classifier_type: learned`: the trained model instead of the keyword heuristic.
  const learned = new ComplexityRouter(
    { ...definition, config: { ...definition.config, classifier_type: 'learned' } },
    { contextWindowOf: () => CONTEXT_WINDOW },
  );
  const captured = JSON.parse(
    readFileSync(join(root, 'test/fixtures/opencode-chat-request.json'), 'utf8'),
  ) as { body: ChatCompletionRequest };

  const inputs: {
    input: string;
    request: ClassifyRequest;
    target: number | null;
    litellm: number | null;
    sut?: ComplexityRouter;
  }[] = [
    {
      input: '"Hello"',
      request: classifyRequest(router.name, askBody(router.name, 'Hello')),
      target: 5,
      litellm: 170,
    },
    {
      input: 'fourth worked example',
      request: classifyRequest(router.name, askBody(router.name, FOURTH_WORKED_EXAMPLE)),
      target: 5,
      litellm: 440,
    },
    {
      input: `${(TECHNICAL_ASK_4KB.length / 1024).toFixed(1)} KB technical ask`,
      request: classifyRequest(router.name, askBody(router.name, TECHNICAL_ASK_4KB)),
      target: 100,
      litellm: 7700,
    },
    {
      input: 'OpenCode request (fixture)',
      request: classifyRequest(router.name, captured.body),
      target: 10,
      litellm: 170,
    },
    {
      input: 'OpenCode request, 30,000-token windows (tokenizes; informational)',
      request: classifyRequest(router.name, captured.body),
      target: null,
      litellm: null,
      sut: tokenizing,
    },
    {
      input: '"Hello", learned',
      request: classifyRequest(router.name, askBody(router.name, 'Hello')),
      target: 20,
      litellm: null,
      sut: learned,
    },
    {
      input: 'fourth worked example, learned',
      request: classifyRequest(router.name, askBody(router.name, FOURTH_WORKED_EXAMPLE)),
      target: 20,
      litellm: null,
      sut: learned,
    },
    {
      // no target: the learned target is for typical asks (a few hundred characters); the cost grows with the length.
      input: `${(TECHNICAL_ASK_4KB.length / 1024).toFixed(1)} KB technical ask, learned (informational)`,
      request: classifyRequest(router.name, askBody(router.name, TECHNICAL_ASK_4KB)),
      target: null,
      litellm: null,
      sut: learned,
    },
    {
      input: 'OpenCode request (fixture), learned',
      request: classifyRequest(router.name, captured.body),
      target: 20,
      litellm: null,
      sut: learned,
    },
  ];

  const warmup = options.warmup ?? 5_000;
  const results: InProcessResult[] = [];
  for (const { input, request, target, litellm, sut = router } of inputs) {
    const slow = input.includes('KB') || sut === tokenizing;
    const iterations = options.iterations ?? (slow ? 2_000 : 20_000);
    const rounds = slow ? Math.min(warmup, 500) : warmup;
    let decision = await sut.decide(request);
    for (let round = 0; round < rounds; round += 1) decision = await sut.decide(request);
    const samples = new Float64Array(iterations);
    for (let round = 0; round < iterations; round += 1) {
      const started = process.hrtime.bigint();
      decision = await sut.decide(request);
      samples[round] = Number(process.hrtime.bigint() - started) / 1_000;
    }
    samples.sort();
    results.push({
      input,
      router: router.name,
      requestBytes: request.requestBytes,
      tier: decision.tier,
      cause: decision.cause,
      tokenized: decision.requestTokens !== null,
      iterations,
      medianMicroseconds: percentile(samples, 0.5),
      p99Microseconds: percentile(samples, 0.99),
      targetMicroseconds: target,
      litellmMicroseconds: litellm,
    });
    // Let timers and I/O run between inputs, so one input's garbage does not land in the next.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return results;
}
