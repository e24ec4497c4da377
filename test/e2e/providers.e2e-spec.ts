import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { parse } from 'yaml';
import { REPO_ROOT, startFleetWithOpenAI, type TestFleet } from '@switchyard/testing';
import { buildToolArguments } from '../../apps/mock-provider/src/shared/tool-arguments';

interface UsageRow {
  provider: string;
  input_tokens: number;
  input_no_cache_tokens: number;
  input_cache_read_tokens: number;
  input_cache_write_tokens: number;
  output_tokens: number;
  output_reasoning_tokens: number;
  cost_usd: string;
  status: string;
}

interface DemoEntry {
  model_name: string;
  litellm_params: Record<string, number | string>;
}

const demo = parse(readFileSync(join(REPO_ROOT, 'config/demo.yaml'), 'utf8')) as { model_list: DemoEntry[] };
const paramsOf = (model: string) =>
  demo.model_list.find((entry) => entry.model_name === model)!.litellm_params;

/** cost of a row from the config's own prices (cache prices fall back to the input price). */
function expectedCost(model: string, row: UsageRow): number {
  const params = paramsOf(model);
  const input = Number(params.input_cost_per_token);
  const output = Number(params.output_cost_per_token);
  const cacheRead =
    params.cache_read_input_token_cost === undefined ? input : Number(params.cache_read_input_token_cost);
  const cacheWrite =
    params.cache_creation_input_token_cost === undefined
      ? input
      : Number(params.cache_creation_input_token_cost);
  return (
    row.input_no_cache_tokens * input +
    row.input_cache_read_tokens * cacheRead +
    row.input_cache_write_tokens * cacheWrite +
    row.output_tokens * output
  );
}

const readFileTool = {
  type: 'function' as const,
  function: {
    name: 'read_file',
    description: 'Read a file of the workspace',
    parameters: {
      type: 'object',
      properties: { path: { type: 'string' }, limit: { type: 'integer' } },
      required: ['path', 'limit'],
    },
  },
};

/** A system prompt long enough (≥ 1024 tokens) for the mock to report cached input tokens. */
const longSystemPrompt = `You are a careful coding assistant. ${'Follow the repository conventions and explain briefly. '.repeat(90)}`;

describe('every provider through the gateway (openai client, demo fleet)', () => {
  let fleet: TestFleet;
  let client: OpenAI;

  beforeAll(async () => {
    ({ fleet, client } = await startFleetWithOpenAI());
  });
  afterAll(() => fleet?.stop());

  const usageRow = (callId: string) => fleet.usageRowsOf<UsageRow>(callId);

  describe.each([
    ['gpt-5.5', 'gpt-5.5', 'openai'],
    ['claude-sonnet-4-6', 'claude-sonnet-4-6', 'anthropic'],
    ['gemini-2.5-pro', 'gemini-2.5-pro', 'gemini'],
    ['mistral-small-4', 'mistral-small-2603', 'mistral'],
    ['opencode-kimi-k2-6', 'kimi-k2.6', 'opencodego'],
  ])('%s', (model, providerModel, provider) => {
    it('answers without streaming, with cached input split out and priced', async () => {
      const ask = 'Summarise what this module does';
      const { data, response } = await client.chat.completions
        .create({
          model,
          messages: [
            { role: 'system', content: longSystemPrompt },
            { role: 'user', content: ask },
          ],
        })
        .withResponse();
      expect(data.choices[0].message.content).toBe(`Mock reply from ${providerModel}: ${ask}`);
      expect(data.choices[0].finish_reason).toBe('stop');

      const [row, ...others] = await usageRow(response.headers.get('x-litellm-call-id')!);
      expect(others).toHaveLength(0);
      expect(row).toMatchObject({ provider, status: 'success' });
      expect(row.input_tokens).toBe(data.usage?.prompt_tokens);
      expect(row.output_tokens).toBe(data.usage?.completion_tokens);
      expect(row.input_no_cache_tokens + row.input_cache_read_tokens + row.input_cache_write_tokens).toBe(
        row.input_tokens,
      );
      if (provider !== 'mistral') expect(row.input_cache_read_tokens).toBeGreaterThan(0);
      expect(Number(row.cost_usd)).toBeCloseTo(expectedCost(model, row), 10);
      expect(Number(row.cost_usd)).toBeGreaterThan(0);
    });

    it('streams the same answer', async () => {
      const ask = 'Stream me an answer';
      const stream = await client.chat.completions.create({
        model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: ask }],
      });
      let content = '';
      let usage: OpenAI.CompletionUsage | undefined;
      let finishReason: string | null = null;
      for await (const chunk of stream) {
        content += chunk.choices[0]?.delta.content ?? '';
        finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
        if (chunk.usage) usage = chunk.usage;
      }
      expect(content).toBe(`Mock reply from ${providerModel}: ${ask}`);
      expect(finishReason).toBe('stop');
      expect(usage?.completion_tokens).toBeGreaterThan(0);
    });

    it('streams a tool call whose assembled arguments are the JSON the mock sent', async () => {
      const { data: stream, response } = await client.chat.completions
        .create({
          model,
          stream: true,
          stream_options: { include_usage: true },
          tools: [readFileTool],
          messages: [{ role: 'user', content: 'please use read_file on the README' }],
        })
        .withResponse();
      const calls = new Map<number, { id?: string; name?: string; arguments: string }>();
      let finishReason: string | null = null;
      for await (const chunk of stream) {
        finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
        for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
          const call = calls.get(delta.index) ?? { arguments: '' };
          call.id ??= delta.id;
          call.name ??= delta.function?.name;
          call.arguments += delta.function?.arguments ?? '';
          calls.set(delta.index, call);
        }
      }
      expect(finishReason).toBe('tool_calls');
      expect(calls.size).toBe(1);
      const call = calls.get(0)!;
      expect(call.name).toBe('read_file');
      expect(call.id).toBeTruthy();
      expect(JSON.parse(call.arguments)).toEqual(buildToolArguments(readFileTool.function.parameters));

      const rows = await usageRow(response.headers.get('x-litellm-call-id')!);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ provider, status: 'success' });
    });

    it('finishes a tool round trip with a text answer', async () => {
      const completion = await client.chat.completions.create({
        model,
        tools: [readFileTool],
        messages: [
          { role: 'user', content: 'please use read_file on the README' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'abcDEF123',
                type: 'function',
                function: { name: 'read_file', arguments: '{"path":"README.md","limit":1}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'abcDEF123', content: 'Switchyard is a gateway' },
        ],
      });
      expect(completion.choices[0].finish_reason).toBe('stop');
      expect(completion.choices[0].message.content).toContain(
        `Mock reply from ${providerModel}: tool result:`,
      );
    });
  });
});
