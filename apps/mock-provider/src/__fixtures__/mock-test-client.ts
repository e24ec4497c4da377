/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument --
   a test helper: it hands specs parsed JSON loosely typed, as the spec rules allow (see eslint.config.mjs). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockProvider, type MockProvider, type MockProviderOptions } from '../mock-provider';

/** Test helpers: start the mock in-process and talk to it with fetch. */

/** Parsed response JSON, loosely typed for assertions (what `JSON.parse` returns). */
export type LooseJson = ReturnType<typeof JSON.parse>;

export interface ParsedSseEvent {
  event: string | null;
  data: string;
}

/** Splits an SSE byte stream (LF or CRLF framing) into events. */
export function parseSse(text: string): ParsedSseEvent[] {
  return text
    .split(/\r\n\r\n|\n\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      let event: string | null = null;
      const data: string[] = [];
      for (const line of block.split(/\r\n|\n/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      return { event, data: data.join('\n') };
    });
}

export interface MockResponse {
  status: number;
  headers: Headers;
  text: string;
  /** the body as JSON (undefined when it is not JSON). */
  json: LooseJson;
}

export class MockTestClient {
  private constructor(readonly provider: MockProvider) {}

  static async start(options: MockProviderOptions = {}): Promise<MockTestClient> {
    return new MockTestClient(await createMockProvider(options));
  }

  get url(): string {
    return this.provider.url;
  }

  async close(): Promise<void> {
    await this.provider.close();
  }

  async reset(): Promise<void> {
    await fetch(`${this.url}/__mock/reset`, { method: 'POST' });
  }

  async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<MockResponse> {
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return read(response);
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<MockResponse> {
    return read(await fetch(`${this.url}${path}`, { headers }));
  }

  async openai(body: unknown, headers: Record<string, string> = {}): Promise<MockResponse> {
    return this.post('/v1/chat/completions', body, { authorization: 'Bearer sk-test-key', ...headers });
  }

  async anthropic(body: unknown, headers: Record<string, string> = {}): Promise<MockResponse> {
    return this.post('/v1/messages', body, {
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
      ...headers,
    });
  }

  async setFaults(rules: unknown): Promise<MockResponse> {
    return this.post('/__mock/faults', rules);
  }

  async requests(query = ''): Promise<LooseJson[]> {
    const response = await this.get(`/__mock/requests${query}`);
    return response.json.requests;
  }
}

async function read(response: Response): Promise<MockResponse> {
  const text = await response.text();
  let json: LooseJson;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The data of every SSE event, parsed as JSON (`[DONE]` left out). */
export function sseJson(text: string): LooseJson[] {
  return parseSse(text)
    .filter((event) => event.data !== '[DONE]')
    .map((event) => JSON.parse(event.data));
}

/** Reads a streamed body piece by piece until it ends or breaks; reports which. */
export async function readUntilBroken(response: Response): Promise<{ text: string; broken: boolean }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, broken: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, broken: true };
  }
}

/** The real OpenCode request (shared/fixtures), as OpenCode sent it. */
export function openCodeChatRequest(): { headers: Record<string, string>; body: LooseJson } {
  const fixture: LooseJson = JSON.parse(
    readFileSync(join(__dirname, '../../../../test/fixtures/opencode-chat-request.json'), 'utf8'),
  );
  return { headers: fixture.headers, body: fixture.body };
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
