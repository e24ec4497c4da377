import type { ChatCompletionRequest } from '@switchyard/contracts';
import { countTokens } from 'gpt-tokenizer';
import { capturedRequest } from './__fixtures__/routers';
import { countRequestTokens, countTextTokens } from './request-tokens';

describe(countRequestTokens.name, () => {
  it('counts role, content and the chat framing with o200k_base', async () => {
    const body = { messages: [{ role: 'user' as const, content: 'Hello, world!' }] };
    expect(await countRequestTokens(body)).toBe(3 + 3 + countTokens('user') + countTokens('Hello, world!'));
    expect(countTokens('Hello, world!')).toBe(4);
  });

  it('counts tool definitions, tool calls and non-image parts, not images', async () => {
    const tools: ChatCompletionRequest['tools'] = [
      {
        type: 'function',
        function: { name: 'read', description: 'Read a file', parameters: { type: 'object' } },
      },
    ];
    const base: Pick<ChatCompletionRequest, 'messages'> = { messages: [{ role: 'user', content: 'hi' }] };
    expect(await countRequestTokens({ ...base, tools })).toBe(
      (await countRequestTokens(base)) + countTokens(JSON.stringify(tools)),
    );

    const withCall = await countRequestTokens({
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 't', type: 'function', function: { name: 'read', arguments: '{"path":"a.ts"}' } },
          ],
        },
      ],
    });
    expect(withCall).toBe(
      3 + 3 + countTokens('assistant') + countTokens('read') + countTokens('{"path":"a.ts"}'),
    );

    const image = { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(5000)}` } };
    const result = { type: 'tool_result', tool_use_id: 't', content: 'file text' };
    const parts = await countRequestTokens({ messages: [{ role: 'user', content: [image, result] }] });
    expect(parts).toBe(3 + 3 + countTokens('user') + countTokens(JSON.stringify(result)));
  });

  it('reads special-token spellings as plain text instead of throwing', async () => {
    expect(await countTextTokens('a <|endoftext|> b')).toBeGreaterThan(3);
  });

  it.each(['opencode-chat-request.json', 'opencode-title-request.json'] as const)(
    'stays below the byte size of %s (the bound the capacity check relies on)',
    async (name) => {
      const { body, bytes } = capturedRequest(name);
      const tokens = await countRequestTokens(body);
      expect(tokens).toBeGreaterThan(0);
      expect(tokens).toBeLessThanOrEqual(bytes);
    },
  );

  it('counts a reasoning transcript exactly as the tokenizer does', async () => {
    const reasoning = 'First, read the file. Then compare both versions.';
    const body = {
      messages: [{ role: 'assistant' as const, content: 'Done.', reasoning_content: reasoning }],
    };
    expect(await countRequestTokens(body)).toBe(
      3 + 3 + countTokens('assistant') + countTokens('Done.') + countTokens(reasoning),
    );
  });
});
