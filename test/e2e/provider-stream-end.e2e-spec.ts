import OpenAI from 'openai';
import { startFleetWithOpenAI, type TestFleet } from '@switchyard/testing';

interface UsageRow {
  status: string;
  usage_estimated: boolean;
  input_tokens: number;
  output_tokens: number;
}

/**
 * Issue 15, class 7: Mistral, Groq, DeepSeek and Moonshot put the usage on their last content chunk,
 * and a stream may close without `data: [DONE]`. The dispatcher ends the parser at the end of the
 * body, so the client still gets its usage chunk and the attempt is a success with the provider's
 * own counts (before: a 502 "stream ended before it was complete" and estimated usage).
 */
describe('an OpenAI-style stream that ends without [DONE] (demo fleet, mock omitDone)', () => {
  let fleet: TestFleet;
  let client: OpenAI;

  beforeAll(async () => {
    ({ fleet, client } = await startFleetWithOpenAI());
  });
  afterAll(() => fleet?.stop());

  const rowOf = async (callId: string) => (await fleet.usageRowsOf<UsageRow>(callId))[0];

  it.each(['mistral-small-4', 'gpt-5.5'])(
    '%s: the client gets its text, finish reason and usage, and the ledger the provider’s counts',
    async (model) => {
      const { data: stream, response } = await client.chat.completions
        .create({
          model,
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: 'stream to the end [[mock:{"omitDone":true}]]' }],
        })
        .withResponse();
      let content = '';
      let finishReason: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        content += chunk.choices[0]?.delta.content ?? '';
        finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
        if (chunk.usage) usage = chunk.usage;
      }

      expect(content.length).toBeGreaterThan(0);
      expect(finishReason).toBe('stop');
      expect(usage?.completion_tokens).toBeGreaterThan(0);
      const row = await rowOf(response.headers.get('x-litellm-call-id')!);
      expect(row).toMatchObject({ status: 'success', usage_estimated: false });
      expect(row?.output_tokens).toBe(usage?.completion_tokens);
      expect(row?.input_tokens).toBe(usage?.prompt_tokens);
    },
  );
});
