import { randomUUID } from 'node:crypto';
import type { UsageEvent } from '@switchyard/contracts';

/** A valid usage event with realistic numbers; override what a test cares about. */
export function makeUsageEvent(overrides: Partial<UsageEvent> = {}): UsageEvent {
  const input = 1000 + Math.floor(Math.random() * 5000);
  const output = 10 + Math.floor(Math.random() * 500);
  return {
    eventId: randomUUID(),
    requestId: randomUUID(),
    attempt: 0,
    retry: 0,
    kind: 'upstream',
    status: 'success',
    httpStatus: 200,
    errorType: null,
    endpoint: 'chat',
    stream: true,
    startedAt: new Date().toISOString(),
    modelGroup: 'opencodego-router',
    model: 'opencode-deepseek-v4-flash',
    deploymentId: 'deadbeefdeadbeef',
    provider: 'opencodego',
    providerModel: 'deepseek-v4-flash',
    route: {
      router: 'opencodego-router',
      tier: 'SIMPLE',
      score: -0.2,
      cause: 'heuristic_scorer',
      dimensions: { simpleIndicators: -1 },
    },
    tokens: {
      input: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
      output: { total: output, reasoning: 0 },
    },
    usageEstimated: false,
    costUsd: Number((input * 0.00000009 + output * 0.00000027).toFixed(12)),
    savedCostUsd: null,
    baselineCostUsd: null,
    latencyMs: 120,
    ttftMs: 40,
    keyId: null,
    sessionId: 'ses_test',
    user: null,
    metadata: null,
    ...overrides,
  };
}
