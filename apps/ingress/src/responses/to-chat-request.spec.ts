import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '@switchyard/contracts';
import { parseResponsesRequest } from './parse-responses-request';
import { toChatRequest } from './to-chat-request';

const codex = JSON.parse(
  readFileSync(join(__dirname, '../../../../../shared/fixtures/codex-request.json'), 'utf8'),
) as { body: Record<string, unknown> };

describe(toChatRequest.name, () => {
  it("turns Codex's request into a canonical one: developer → system, namespaces flattened, web_search left out", () => {
    const sut = toChatRequest(parseResponsesRequest(codex.body));

    expect(sut.chat.messages.map((message) => message.role)).toEqual(['system', 'system', 'user', 'user']);
    expect(sut.chat.messages[3].content).toEqual([
      { type: 'text', text: 'Refactor the retry logic in src/http.ts to use exponential backoff' },
    ]);
    const names = (sut.chat.tools ?? []).map((tool) => tool.function.name);
    expect(names).toContain('exec_command');
    expect(names).toContain('multi_agent_v1__spawn_agent');
    expect(names).not.toContain('web_search');
    expect(sut.droppedTools).toEqual(['web_search']);
    expect(sut.toolNames.refOf('multi_agent_v1__spawn_agent')).toEqual({
      kind: 'function',
      name: 'spawn_agent',
      namespace: 'multi_agent_v1',
    });
    expect(sut.chat).toMatchObject({
      model: 'frontier-router',
      stream: true,
      tool_choice: 'auto',
      parallel_tool_calls: true,
    });
    expect(sut.chat.stream_options).toEqual({ include_usage: true });
    // no Responses-only field reaches the canonical request
    expect(Object.keys(sut.chat)).not.toEqual(expect.arrayContaining(['include']));
    expect(sut.chat).not.toHaveProperty('prompt_cache_key');
    expect(sut.chat).not.toHaveProperty('store');
  });

  it('joins reasoning, text and tool calls into one assistant turn, and outputs into tool messages', () => {
    const sut = toChatRequest(
      parseResponsesRequest({
        model: 'm',
        instructions: 'Be brief.',
        input: [
          { role: 'user', content: 'Patch and look it up' },
          { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Plan' }], encrypted_content: 'gAAA' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Sure.' }] },
          { type: 'function_call', call_id: 'c1', name: 'lookup', arguments: '{"q":"x"}' },
          { type: 'custom_tool_call', call_id: 'c2', name: 'apply_patch', input: '*** Begin Patch' },
          { type: 'function_call_output', call_id: 'c1', output: 'found' },
          { type: 'custom_tool_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'done' }] },
          { type: 'web_search_call', id: 'ws_1', status: 'completed' },
        ],
        tools: [{ type: 'custom', name: 'apply_patch' }],
        text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
        reasoning: { effort: 'xhigh' },
        max_output_tokens: 100,
      }),
    );

    expect(sut.chat.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Patch and look it up' },
      {
        role: 'assistant',
        content: 'Sure.',
        reasoning_content: 'Plan',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } },
          {
            id: 'c2',
            type: 'function',
            function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'found' },
      { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'done' }] },
    ]);
    expect(sut.chat.tools?.[0].function.parameters).toMatchObject({ required: ['input'] });
    expect(sut.chat).toMatchObject({
      max_tokens: 100,
      reasoning_effort: 'high',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
      },
    });
  });

  it('puts a stored chain before the new input', () => {
    const sut = toChatRequest(parseResponsesRequest({ model: 'm', input: 'And now?' }), [
      { type: 'message', id: 'msg_1', role: 'user', content: [{ type: 'input_text', text: 'Remember' }] },
      {
        type: 'message',
        id: 'msg_2',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'OK' }],
      },
    ]);

    expect(sut.chat.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('refuses an input with nothing for the model to answer', () => {
    expect(() => toChatRequest(parseResponsesRequest({ model: 'm', input: [] }))).toThrow(GatewayError);
  });
});
