import { estimateInputTokens } from './estimate-input-tokens';

describe(estimateInputTokens.name, () => {
  it('is a quarter of the characters of text, tool calls and tool definitions, images left out', () => {
    const tools = [{ type: 'function' as const, function: { name: 'read' } }];

    const estimate = estimateInputTokens({
      model: 'm',
      messages: [
        { role: 'system', content: 'x'.repeat(10) },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'y'.repeat(6) },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(1000)}` } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'read', arguments: '{}' } }],
        },
      ],
      tools,
    });

    expect(estimate).toBe(Math.ceil((10 + 6 + 4 + 2 + JSON.stringify(tools).length) / 4));
  });
});
