import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { TEST_MASTER_KEY, TestFleet, uniqueSuffix } from '@switchyard/testing';

interface SpanLine {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  attributes: Record<string, unknown>;
}

describe('tracing across services (in-memory exporter)', () => {
  const spanFile = join(tmpdir(), `switchyard-spans-${uniqueSuffix()}.jsonl`);
  let fleet: TestFleet;
  let client: OpenAI;

  beforeAll(async () => {
    // fleet only: spans are told apart by the service process that exported them
    fleet = await TestFleet.start({ mode: 'fleet', environment: { OTEL_TEST_SPAN_FILE: spanFile } });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await fleet?.stop();
    rmSync(spanFile, { force: true });
  });

  function spans(): SpanLine[] {
    if (!existsSync(spanFile)) return [];
    return readFileSync(spanFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SpanLine);
  }

  async function traceOf(callId: string, services: string[]): Promise<SpanLine[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const all = spans();
      const root = all.find(
        (span) => span.service === 'ingress' && span.attributes['switchyard.call_id'] === callId,
      );
      const trace = root ? all.filter((span) => span.traceId === root.traceId) : [];
      const seen = new Set(trace.map((span) => span.service));
      if (services.every((service) => seen.has(service)) || Date.now() > deadline) return trace;
      await sleep(200);
    }
  }

  it('puts a routed request into one trace with spans from ingress, classifier, dispatcher and ledger', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'opencodego-router', messages: [{ role: 'user', content: 'Hello' }] })
      .withResponse();
    const callId = response.headers.get('x-litellm-call-id')!;
    const trace = await traceOf(callId, ['ingress', 'classifier', 'dispatcher', 'ledger']);
    expect(new Set(trace.map((span) => span.service))).toEqual(
      new Set(['ingress', 'classifier', 'dispatcher', 'ledger']),
    );

    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const root = trace.find((span) => span.parentSpanId === null)!;
    expect(root.service).toBe('ingress');
    // every other span hangs off the root, directly or through its parents
    for (const span of trace.filter((item) => item !== root)) {
      let parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      while (parent && parent !== root)
        parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined;
      expect(parent).toBe(root);
    }
    const upstream = trace.find((span) => span.name.startsWith('upstream'))!;
    expect(upstream.attributes).toMatchObject({
      'gen_ai.system': 'opencodego',
      'gen_ai.request.model': 'deepseek-v4-flash',
    });
    expect(upstream.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(root.attributes).toMatchObject({
      'switchyard.router.tier': 'SIMPLE',
      'gen_ai.request.model': 'opencodego-router',
    });
  });

  it('gives each request a trace of its own', async () => {
    const calls = await Promise.all(
      [0, 1, 2].map(async () => {
        const { response } = await client.chat.completions
          .create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] })
          .withResponse();
        return response.headers.get('x-litellm-call-id')!;
      }),
    );
    const traces = await Promise.all(
      calls.map((callId) => traceOf(callId, ['ingress', 'dispatcher', 'ledger'])),
    );
    const traceIds = traces.map((trace) => trace[0]?.traceId);
    expect(new Set(traceIds).size).toBe(3);
    for (const trace of traces) {
      expect(new Set(trace.map((span) => span.service))).toEqual(
        new Set(['ingress', 'dispatcher', 'ledger']),
      );
    }
  });
});
