import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MockTestClient } from './__fixtures__/mock-test-client';
import { embeddingVector } from './shared/embedding-vector';
import { buildToolArguments } from './shared/tool-arguments';

/** The official SDKs (the clients of the e2e tests) must read the mock's wire formats unchanged. */
describe('mock provider: official SDK clients', () => {
  let sut: MockTestClient;

  beforeAll(async () => {
    sut = await MockTestClient.start();
  });
  afterAll(async () => sut.close());

  it('the openai SDK reads JSON, streams with usage, tool calls and base64 embeddings', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${sut.url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'gpt-5.5',
      messages: [{ role: 'user', content: 'Hi SDK' }],
    });
    expect(completion.choices[0].message.content).toBe('Mock reply from gpt-5.5: Hi SDK');

    const stream = await client.chat.completions.create({
      model: 'gpt-5.5',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'call the lookup tool' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup',
            parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
          },
        },
      ],
    });
    let argumentsJson = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      argumentsJson += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(JSON.parse(argumentsJson)).toEqual(
      buildToolArguments({ type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }),
    );
    expect(usage?.prompt_tokens).toBeGreaterThan(0);

    const embedding = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'vector me' });
    embeddingVector('vector me').forEach((value, index) =>
      expect(embedding.data[0].embedding[index]).toBeCloseTo(value, 6),
    );

    await expect(
      client.chat.completions.create({
        model: 'gpt-5.5',
        messages: [{ role: 'user', content: 'x [[mock:{"status":429}]]' }],
      }),
    ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('the Anthropic SDK reads JSON, a streamed tool use and errors', async () => {
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: sut.url, maxRetries: 0 });
    const message = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi SDK' }],
    });
    expect(message.content[0]).toMatchObject({
      type: 'text',
      text: 'Mock reply from claude-sonnet-4-6: Hi SDK',
    });

    const schema = { type: 'object' as const, properties: { path: { type: 'string' } }, required: ['path'] };
    const final = await client.messages
      .stream({
        model: 'claude-sonnet-4-6',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'please open the file' }],
        tools: [{ name: 'open', input_schema: schema }],
      })
      .finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'open',
      input: buildToolArguments(schema),
    });
    expect(final.usage.output_tokens).toBeGreaterThan(1);

    await expect(
      client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'x [[mock:{"status":529}]]' }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.InternalServerError);
  });
});
