import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ProviderRegistry, type ProvidersFile } from '@switchyard/config';
import { type ChatCompletionChunk, GatewayError, type TokenUsage } from '@switchyard/contracts';
import {
  type ExpectedResponse,
  parseLines,
  readAnthropicMessage,
  readAnthropicStream,
  readGemini,
  readOpenAICompletion,
  readOpenAIStream,
  splitAnthropicMessages,
} from './__fixtures__/recorded-wire-reader';
import { costOf } from './pricing/cost';
import { pricesOf } from './pricing/model-facts';
import { type ProviderKind, providerFor } from './registry';
import type { ChatStreamParser, UpstreamTarget } from './shared/spec';
import { SseDecoder } from './shared/sse-decoder';

/**
 * Real provider responses (the Vercel AI SDK's recorded fixtures, kept beside the repository in
 * `../shared/data/recorded-provider-traffic`, never copied into it) run through the adapters the
 * way the dispatcher runs them: `parseChatResponse` on a JSON body; for a stream, the body fed to
 * an `SseDecoder` whole and in 1-, 7- and 13-byte pieces, every event to the parser's `push`,
 * then `end()` at the end of the body. What each recording says comes from the test's own reading
 * of the wire format (`__fixtures__/recorded-wire-reader.ts`), never from the adapter under test.
 */

const REPOSITORY_ROOT = join(__dirname, '../../..');
const RECORDINGS = join(REPOSITORY_ROOT, '../shared/data/recorded-provider-traffic');
const MODEL_PRICES = join(REPOSITORY_ROOT, '../shared/data/model-prices.json');
const PIECE_SIZES = [Number.POSITIVE_INFINITY, 1, 7, 13];

interface Vendor {
  kind: ProviderKind;
  provider: string;
  /** providers.json `base_url` of an OpenAI-compatible vendor (the known-vendor rules key on it). */
  baseUrl?: string;
  /** the vendor's documented rule: does completion_tokens include the reasoning tokens? */
  reasoningInCompletion: boolean;
}

const BUILT_IN = (kind: ProviderKind): Vendor => ({ kind, provider: kind, reasoningInCompletion: true });
const COMPATIBLE = (provider: string, baseUrl: string, reasoningInCompletion = true): Vendor => ({
  kind: 'openai',
  provider,
  baseUrl,
  reasoningInCompletion,
});

/** Folder under `packages/` → how the gateway would reach that vendor. */
const VENDORS: Readonly<Record<string, Vendor>> = {
  anthropic: BUILT_IN('anthropic'),
  google: BUILT_IN('gemini'),
  mistral: BUILT_IN('mistral'),
  openai: BUILT_IN('openai'),
  alibaba: COMPATIBLE('alibaba', 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1'),
  deepseek: COMPATIBLE('deepseek', 'https://api.deepseek.com/v1'),
  groq: COMPATIBLE('groq', 'https://api.groq.com/openai/v1'),
  moonshotai: COMPATIBLE('moonshot', 'https://api.moonshot.ai/v1'),
  perplexity: COMPATIBLE('perplexity', 'https://api.perplexity.ai'),
  // xAI: total_tokens = prompt + completion + reasoning, so completion_tokens leaves reasoning out.
  xai: COMPATIBLE('xai', 'https://api.x.ai/v1', false),
};
/** `openai-compatible` holds recordings of several vendors, named by file. */
const ANTHROPIC_OPENAI_COMPATIBLE = COMPATIBLE('anthropiccompat', 'https://api.anthropic.com/v1');

/** The providers.json a user would write for these vendors (no usage rule set by hand). */
const PROVIDERS_FILE: ProvidersFile = Object.fromEntries(
  [...Object.values(VENDORS), ANTHROPIC_OPENAI_COMPATIBLE]
    .filter((vendor) => vendor.baseUrl !== undefined)
    .map((vendor) => [vendor.provider, { base_url: vendor.baseUrl!, api_key_env: 'RECORDED_KEY' }]),
);
const REGISTRY = new ProviderRegistry(PROVIDERS_FILE);

type Expectation = { kind: 'response'; expected: ExpectedResponse } | { kind: 'stream-error' };

interface RecordedCase {
  /** `<folder>/<file>` plus `#n` for the n-th message of a multi-message recording. */
  name: string;
  vendor: Vendor;
  stream: boolean;
  /** the body the dispatcher would receive. */
  body: string;
  expectation: Expectation;
}

/** Recordings that show a stream error rather than a response. */
const STREAM_ERRORS = new Set(['anthropic/spliced-message-start.chunks.txt']);

function filesUnder(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((entry) => {
      const path = join(directory, entry);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

function vendorOf(folder: string, file: string): Vendor {
  if (folder === 'openai-compatible')
    return file.startsWith('xai-') ? VENDORS.xai : ANTHROPIC_OPENAI_COMPATIBLE;
  const vendor = VENDORS[folder];
  if (!vendor) throw new Error(`no vendor for the recordings in ${folder}`);
  return vendor;
}

function sseOf(events: Record<string, unknown>[], named: boolean): string {
  return events
    .map((event) => `${named ? `event: ${String(event.type)}\n` : ''}data: ${JSON.stringify(event)}\n\n`)
    .join('');
}

function loadCases(): RecordedCase[] {
  const cases: RecordedCase[] = [];
  for (const path of filesUnder(join(RECORDINGS, 'packages'))) {
    const [folder] = relative(join(RECORDINGS, 'packages'), path).split('/');
    const file = path.slice(path.lastIndexOf('/') + 1);
    const name = `${folder}/${file}`;
    const vendor = vendorOf(folder, file);
    const text = readFileSync(path, 'utf8');
    const inCompletion = vendor.reasoningInCompletion;
    if (file.endsWith('.json')) {
      const body = JSON.parse(text) as Record<string, unknown>;
      const expected =
        vendor.kind === 'anthropic'
          ? readAnthropicMessage(body)
          : vendor.kind === 'gemini'
            ? readGemini([body])
            : readOpenAICompletion(body, inCompletion);
      cases.push({ name, vendor, stream: false, body: text, expectation: { kind: 'response', expected } });
      continue;
    }
    const events = parseLines(text);
    if (STREAM_ERRORS.has(name)) {
      cases.push({
        name,
        vendor,
        stream: true,
        body: sseOf(events, true),
        expectation: { kind: 'stream-error' },
      });
    } else if (vendor.kind === 'anthropic') {
      const messages = splitAnthropicMessages(events);
      messages.forEach((message, position) => {
        cases.push({
          name: messages.length > 1 ? `${name}#${position + 1}` : name,
          vendor,
          stream: true,
          body: sseOf(message, true),
          expectation: { kind: 'response', expected: readAnthropicStream(message) },
        });
      });
    } else {
      const expected = vendor.kind === 'gemini' ? readGemini(events) : readOpenAIStream(events, inCompletion);
      // `.sse` files are the body byte for byte; `.chunks.txt` files are its data lines.
      const body = file.endsWith('.sse') ? text : sseOf(events, false);
      cases.push({ name, vendor, stream: true, body, expectation: { kind: 'response', expected } });
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Prices: ../shared/data/model-prices.json, read here on its own. A deployment names the model as
// a user configures it (`claude-sonnet-4-5`); the provider answers with its dated id
// (`claude-sonnet-4-5-20250929`).
// ---------------------------------------------------------------------------------------------

interface PriceFacts {
  input_cost_per_token?: number;
  output_cost_per_token?: number;
  cache_read_input_token_cost?: number;
  cache_creation_input_token_cost?: number;
  output_cost_per_reasoning_token?: number;
}
const PRICES = (JSON.parse(readFileSync(MODEL_PRICES, 'utf8')) as { models: Record<string, PriceFacts> })
  .models;

function priceKeyOf(provider: string, model: string): string | null {
  for (const candidate of [model, model.replace(/-\d{8}$/, '')]) {
    if (PRICES[`${provider}/${candidate}`]) return `${provider}/${candidate}`;
    if (PRICES[candidate]) return candidate;
  }
  return null;
}

function configuredModelOf(provider: string, model: string): string {
  const key = priceKeyOf(provider, model);
  return key === null ? model : key.replace(`${provider}/`, '');
}

function expectedCost(usage: TokenUsage, facts: PriceFacts | undefined): number | null {
  if (facts?.input_cost_per_token === undefined || facts.output_cost_per_token === undefined) return null;
  const input = facts.input_cost_per_token;
  const output = facts.output_cost_per_token;
  return (
    usage.input.noCache * input +
    usage.input.cacheRead * (facts.cache_read_input_token_cost ?? input) +
    usage.input.cacheWrite * (facts.cache_creation_input_token_cost ?? input) +
    (usage.output.total - usage.output.reasoning) * output +
    usage.output.reasoning * (facts.output_cost_per_reasoning_token ?? output)
  );
}

function targetOf(recorded: RecordedCase, model: string): UpstreamTarget {
  const definition = REGISTRY.get(recorded.vendor.provider)!;
  return {
    provider: definition.name,
    providerModel: configuredModelOf(definition.name, model),
    apiBase: definition.defaultBaseUrl,
    apiKey: 'sk-recorded-traffic-0123456789',
    reasoningTokens: definition.reasoningTokens,
  };
}

// ---------------------------------------------------------------------------------------------
// What the client receives, read back from the adapter's output.
// ---------------------------------------------------------------------------------------------

interface Observed {
  text: string;
  reasoning: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: string | null;
  usage: TokenUsage | null;
  /** the OpenAI-shaped usage objects the client received (usage-only chunks, or the completion's). */
  clientUsage: Record<string, unknown>[];
}

function observeChunks(chunks: ChatCompletionChunk[], summaryUsage: TokenUsage | null): Observed {
  const observed: Observed = {
    text: '',
    reasoning: '',
    toolCalls: [],
    finishReason: null,
    usage: summaryUsage,
    clientUsage: [],
  };
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  for (const chunk of chunks) {
    if (chunk.usage) observed.clientUsage.push(chunk.usage);
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      observed.text += choice.delta.content ?? '';
      observed.reasoning += choice.delta.reasoning_content ?? '';
      for (const call of choice.delta.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { id: '', name: '', arguments: '' };
        if (call.id) entry.id = call.id;
        if (call.function?.name) entry.name = call.function.name;
        entry.arguments += call.function?.arguments ?? '';
        calls.set(call.index, entry);
      }
      if (choice.finish_reason) observed.finishReason = choice.finish_reason;
    }
  }
  observed.toolCalls = [...calls.entries()].sort(([left], [right]) => left - right).map(([, call]) => call);
  return observed;
}

function endOf(parser: ChatStreamParser): ChatCompletionChunk[] {
  return parser.end();
}

interface StreamRun {
  chunks: ChatCompletionChunk[];
  parser: ChatStreamParser;
  error: unknown;
}

/** The dispatcher's stream loop: decoder pieces → parser.push, decoder.end, parser.end. */
function runStream(recorded: RecordedCase, target: UpstreamTarget, pieceSize: number): StreamRun {
  const decoder = new SseDecoder();
  const parser = providerFor(recorded.vendor.kind).chat.createStreamParser(target);
  const chunks: ChatCompletionChunk[] = [];
  const bytes = Buffer.from(recorded.body, 'utf8');
  const step = Number.isFinite(pieceSize) ? pieceSize : bytes.length;
  try {
    for (let offset = 0; offset < bytes.length; offset += step) {
      for (const event of decoder.push(bytes.subarray(offset, offset + step)))
        chunks.push(...parser.push(event));
    }
    for (const event of decoder.end()) chunks.push(...parser.push(event));
    chunks.push(...endOf(parser));
  } catch (error) {
    return { chunks, parser, error };
  }
  return { chunks, parser, error: null };
}

/** Every way the adapter's answer differs from the recording (empty: they agree). */
function disagreements(observed: Observed, expected: ExpectedResponse): string[] {
  const found: string[] = [];
  const differ = (what: string, actual: unknown, wanted: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
      found.push(
        `${what}: got ${JSON.stringify(actual)?.slice(0, 200)}, recording says ${JSON.stringify(wanted)?.slice(0, 200)}`,
      );
    }
  };
  differ('text', observed.text, expected.text);
  differ('reasoning', observed.reasoning, expected.reasoning);
  differ('tool-call count', observed.toolCalls.length, expected.toolCalls.length);
  expected.toolCalls.forEach((wanted, position) => {
    const actual = observed.toolCalls[position];
    if (!actual) return;
    if (wanted.id === null) {
      if (actual.id === '') found.push(`tool call ${position}: no id`);
    } else differ(`tool call ${position} id`, actual.id, wanted.id);
    differ(`tool call ${position} name`, actual.name, wanted.name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(actual.arguments);
    } catch {
      found.push(`tool call ${position} arguments are not JSON: ${JSON.stringify(actual.arguments)}`);
      return;
    }
    differ(`tool call ${position} arguments`, parsed, wanted.arguments);
  });
  differ('finish reason', observed.finishReason, expected.finishReason);
  differ('usage', observed.usage, expected.usage);
  if (expected.usage) {
    const total = expected.usage;
    differ('client usage objects', observed.clientUsage.length, 1);
    const client = observed.clientUsage.at(-1) ?? {};
    const promptDetails = (client.prompt_tokens_details ?? {}) as Record<string, unknown>;
    const completionDetails = (client.completion_tokens_details ?? {}) as Record<string, unknown>;
    differ('client prompt_tokens', client.prompt_tokens, total.input.total);
    differ('client completion_tokens', client.completion_tokens, total.output.total);
    differ('client cached_tokens', promptDetails.cached_tokens, total.input.cacheRead);
    differ('client reasoning_tokens', completionDetails.reasoning_tokens, total.output.reasoning);
  }
  return found;
}

if (!existsSync(RECORDINGS)) {
  throw new Error(
    `the recorded provider traffic is not at ${RECORDINGS}: the repository expects ../shared beside it`,
  );
}
const CASES = loadCases();

/** The disagreement classes of issue 15 and the issue's acceptance points, each shown by a recording. */
const CLASSES: Readonly<Record<string, string>> = {
  'anthropic/anthropic-web-search-tool.1.chunks.txt':
    'server tools: web search passed over, text and usage kept',
  'anthropic/anthropic-code-execution-20250825.1.chunks.txt':
    'server tools: code execution passed over, text and usage kept',
  'anthropic/anthropic-mcp.1.chunks.txt': 'server tools: MCP passed over, text and usage kept',
  'anthropic/anthropic-code-execution-20260120-prompt-cache.1.chunks.txt':
    'cache read and cache write counters',
  'anthropic/anthropic-refusal.chunks.txt': 'refusal: content_filter, usage kept',
  'deepseek/deepseek-tool-call.chunks.txt': 'DeepSeek cache hits and reasoning inside completion',
  'anthropic/anthropic-tool-no-args.chunks.txt':
    'class 1: a streamed no-parameter tool call keeps content_block_start.input ("{}")',
  'anthropic/anthropic-programmatic-tool-calling.1.chunks.txt#1':
    'class 1: a tool_use block with its whole input and no deltas keeps it',
  'xai/xai-text.chunks.txt': 'class 2: xAI reasoning tokens outside completion_tokens are billed, not capped',
  'anthropic/anthropic-compaction.1.chunks.txt': 'class 3: usage.iterations (compaction) are summed',
  'anthropic/anthropic-advisor-20250301.1.chunks.txt': 'class 3: usage.iterations (advisor) are summed',
  'google/google-stream-tool-call-arguments.chunks.txt':
    'class 4: Gemini streamed function-call arguments (partialArgs) are assembled',
  'google/google-vertex-stream-tool-call-arguments-nested.1.chunks.txt': 'class 4: Gemini nested partialArgs',
  'anthropic/spliced-message-start.chunks.txt':
    'class 5: a second message_start mid-stream is a stream error',
  'groq/groq-reasoning.chunks.txt': 'class 6: Groq delta.reasoning becomes reasoning_content',
  'groq/groq-reasoning.json': 'class 6: Groq message.reasoning becomes reasoning_content',
  'mistral/mistral-text.chunks.txt':
    'class 7: usage on the last content chunk reaches the client without [DONE]',
  'moonshotai/moonshotai-stream.chunks.txt':
    'class 7: usage on the last content chunk reaches the client without [DONE] (Moonshot)',
};

function titleOf(recorded: RecordedCase): string {
  const label = CLASSES[recorded.name];
  return `${recorded.vendor.kind} ${recorded.name}${label ? ` — ${label}` : ''}`;
}

/** Responses per provider format. */
const FORMATS = new Map<string, number>();
for (const recorded of CASES) {
  const format = recorded.vendor.baseUrl ? 'openai-compatible' : recorded.vendor.kind;
  FORMATS.set(format, (FORMATS.get(format) ?? 0) + 1);
}
const PRICED = CASES.filter(
  (recorded) =>
    recorded.expectation.kind === 'response' &&
    priceKeyOf(REGISTRY.get(recorded.vendor.provider)!.name, recorded.expectation.expected.model) !== null,
).length;
const CENSUS = `${[...FORMATS].map(([format, count]) => `${format} ${count}`).join(', ')}; ${PRICED} priced at model-prices.json, the other ${CASES.filter((recorded) => recorded.expectation.kind === 'response').length - PRICED} cost null`;

describe('recorded provider traffic', () => {
  it(`finds at least 120 real responses across the five provider formats (${CENSUS})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(120);
    expect([...FORMATS.keys()].sort()).toEqual([
      'anthropic',
      'gemini',
      'mistral',
      'openai',
      'openai-compatible',
    ]);
  });

  it.each(
    CASES.filter((recorded) => recorded.expectation.kind === 'response').map(
      (recorded) => [titleOf(recorded), recorded] as const,
    ),
  )('%s', (_title, recorded) => {
    const { expected } = recorded.expectation as { kind: 'response'; expected: ExpectedResponse };
    const target = targetOf(recorded, expected.model);
    const found: string[] = [];
    let usages: (TokenUsage | null)[] = [];
    if (!recorded.stream) {
      const result = providerFor(recorded.vendor.kind).chat.parseResponse(JSON.parse(recorded.body), target);
      const message = result.response.choices[0].message;
      const observed: Observed = {
        text: message.content ?? '',
        reasoning: message.reasoning_content ?? '',
        toolCalls: (message.tool_calls ?? []).map((call) => ({
          id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
        })),
        finishReason: result.finishReason,
        usage: result.usage,
        clientUsage: [result.response.usage as unknown as Record<string, unknown>],
      };
      found.push(...disagreements(observed, expected));
      if (result.response.choices[0].finish_reason !== result.finishReason)
        found.push('finish reasons differ');
      usages = [result.usage];
    } else {
      const variants = PIECE_SIZES.map((size) => ({ label: `${size}-byte pieces`, size, done: false }));
      if (
        recorded.vendor.kind !== 'anthropic' &&
        recorded.vendor.kind !== 'gemini' &&
        !recorded.body.includes('[DONE]')
      ) {
        variants.push({ label: 'with [DONE] restored', size: Number.POSITIVE_INFINITY, done: true });
      }
      for (const variant of variants) {
        const run = runStream(
          variant.done ? { ...recorded, body: `${recorded.body}data: [DONE]\n\n` } : recorded,
          target,
          variant.size,
        );
        if (run.error) {
          found.push(
            `${variant.label}: ${run.error instanceof Error ? run.error.message : 'a non-Error was thrown'}`,
          );
          continue;
        }
        if (!run.parser.done) found.push(`${variant.label}: the parser never saw the stream complete`);
        const summary = run.parser.summary();
        const observed = observeChunks(run.chunks, summary.usage);
        found.push(...disagreements(observed, expected).map((line) => `${variant.label}: ${line}`));
        if (summary.finishReason !== expected.finishReason)
          found.push(`${variant.label}: summary finish reason ${summary.finishReason}`);
        usages.push(summary.usage);
      }
    }
    // The money: the cost the ledger would record, at ../shared/data/model-prices.json prices.
    const key = priceKeyOf(target.provider, expected.model);
    const wanted = expected.usage ? expectedCost(expected.usage, key ? PRICES[key] : undefined) : null;
    const prices = pricesOf({
      provider: REGISTRY.get(recorded.vendor.provider)!,
      providerModel: target.providerModel,
      prices: {},
      modelInfo: {},
    });
    for (const usage of usages) {
      const cost = usage ? costOf(usage, prices) : null;
      if (wanted === null ? cost !== null : cost === null || Math.abs(cost - wanted) > 1e-12) {
        found.push(`cost: got ${cost}, recording at model-prices.json prices says ${wanted}`);
      }
    }
    expect(found).toEqual([]);
  });

  it.each(
    CASES.filter((recorded) => recorded.expectation.kind === 'stream-error').map(
      (recorded) => [titleOf(recorded), recorded] as const,
    ),
  )('%s', (_title, recorded) => {
    const target = targetOf(recorded, 'claude-3-haiku-20240307');
    for (const size of PIECE_SIZES) {
      const run = runStream(recorded, target, size);
      expect(run.error).toBeInstanceOf(GatewayError);
      expect(run.parser.done).toBe(false);
      // nothing the client received claims the message finished or carries a spliced tool call
      const observed = observeChunks(run.chunks, null);
      expect(observed.finishReason).toBeNull();
      expect(observed.clientUsage).toEqual([]);
      for (const call of observed.toolCalls) expect(() => JSON.parse(call.arguments)).toThrow();
    }
  });

  it('class 4: a Gemini stream cut inside a streamed function call reports unknown usage, not zeros, and no half-made call', () => {
    const recorded = CASES.find(
      (candidate) => candidate.name === 'google/google-stream-tool-call-arguments.chunks.txt',
    )!;
    const events = recorded.body.split('\n\n').filter((event) => event.trim() !== '');
    // everything but the last event: the second call (San Francisco) is still streaming its arguments
    const cut = { ...recorded, body: `${events.slice(0, -1).join('\n\n')}\n\n` };
    const { expected } = recorded.expectation as { kind: 'response'; expected: ExpectedResponse };
    for (const size of PIECE_SIZES) {
      const run = runStream(cut, targetOf(recorded, expected.model), size);

      expect(run.error).toBeNull();
      expect(run.parser.done).toBe(false);
      expect(run.parser.summary().usage).toBeNull();
      const observed = observeChunks(run.chunks, null);
      expect(observed.toolCalls.map((call) => [call.name, JSON.parse(call.arguments) as unknown])).toEqual([
        [expected.toolCalls[0].name, expected.toolCalls[0].arguments],
      ]);
    }
  });
});
