import type { ProviderKind } from '@switchyard/providers';
/** A client of the mock provider's control API (apps/mock-provider/README.md). */
export interface MockRequestEntry {
  id: number;
  requestId: string | null;
  format: ProviderKind;
  endpoint: string;
  path: string;
  model: string | null;
  stream: boolean;
  status: number;
  completed: boolean;
  closedEarly: boolean;
  closedEarlyAt: string | null;
  /** stream events (or JSON bodies) the mock wrote before the response ended. */
  eventsWritten: number;
  /** the token counts the chat reply reported (null when none was planned). */
  usage: {
    promptTokens: number;
    cachedTokens: number;
    cacheWriteTokens: number;
    outputTokens: number;
    reasoningTokens: number;
  } | null;
  authPresent: boolean;
  keySha256: string | null;
  headers: Record<string, string>;
  body: unknown;
}

export interface MockFaultRule {
  match?: { model?: string; format?: string };
  times?: number;
  fault: Record<string, unknown>;
}

export class MockControl {
  constructor(readonly url: string) {}

  async requests(filter: { model?: string; format?: string } = {}): Promise<MockRequestEntry[]> {
    const query = new URLSearchParams({ limit: '1000', ...filter });
    const response = await fetch(`${this.url}/__mock/requests?${query.toString()}`);
    return ((await response.json()) as { requests: MockRequestEntry[] }).requests;
  }

  async setFaults(rules: MockFaultRule[]): Promise<void> {
    const response = await fetch(`${this.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rules),
    });
    if (!response.ok) throw new Error(`mock refused the fault rules: ${await response.text()}`);
  }

  async reset(): Promise<void> {
    await fetch(`${this.url}/__mock/reset`, { method: 'POST' });
  }
}
