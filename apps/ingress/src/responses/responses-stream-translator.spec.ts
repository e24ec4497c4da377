import type { ChatCompletionChunk, TokenUsage } from '@switchyard/contracts';
import { GatewayError } from '@switchyard/contracts';
import { templateOf } from './create-response';
import type { ResponseStreamEvent } from './response-object';
import { ResponsesStreamTranslator } from './responses-stream-translator';
import { ToolNames } from './tool-names';

const usage: TokenUsage = {
  input: { total: 120, noCache: 100, cacheRead: 20, cacheWrite: 0 },
  output: { total: 30, reasoning: 10 },
};

function chunk(
  delta: ChatCompletionChunk['choices'][0]['delta'],
  finish: string | null = null,
): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-5.4-mini',
    choices: [{ index: 0, delta, finish_reason: finish as never }],
  };
}

function sutWith(toolNames = new ToolNames()): ResponsesStreamTranslator {
  let next = 0;
  return new ResponsesStreamTranslator(
    { ...templateOf({ model: 'gpt-5.4-mini', input: 'hi' }), id: 'resp_1' },
    toolNames,
    (prefix) => `${prefix}_${(next += 1)}`,
  );
}

const typesOf = (events: ResponseStreamEvent[]) => events.map((event) => event.type);

describe(ResponsesStreamTranslator.name, () => {
  it('turns text chunks into the message item events, in OpenAI order', () => {
    const sut = sutWith();
    const events = [
      ...sut.start(),
      ...sut.push(chunk({ role: 'assistant', content: '' })),
      ...sut.push(chunk({ content: 'Hel' })),
      ...sut.push(chunk({ content: 'lo' }, 'stop')),
      ...sut.finish(usage),
    ];

    expect(typesOf(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[6]).toEqual({
      type: 'response.output_text.done',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      text: 'Hello',
      logprobs: [],
    });
    expect(sut.response).toMatchObject({
      status: 'completed',
      output: [
        {
          id: 'msg_1',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello', annotations: [], logprobs: [] }],
        },
      ],
      usage: {
        input_tokens: 120,
        input_tokens_details: { cached_tokens: 20 },
        output_tokens: 30,
        output_tokens_details: { reasoning_tokens: 10 },
        total_tokens: 150,
      },
    });
    // the opening events carry the response as it was then
    expect(events[0]).toMatchObject({ response: { status: 'in_progress', output: [], usage: null } });
  });

  it('gives reasoning, text and each tool call an item of its own, mapped back to their tools', () => {
    const toolNames = new ToolNames();
    toolNames.add({ kind: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1' });
    toolNames.add({ kind: 'custom', name: 'apply_patch' });
    const sut = sutWith(toolNames);
    const events = [
      ...sut.push(chunk({ reasoning_content: 'Think' })),
      ...sut.push(chunk({ content: 'Calling.' })),
      ...sut.push(
        chunk({
          tool_calls: [
            {
              index: 0,
              id: 'call_a',
              type: 'function',
              function: { name: 'multi_agent_v1__spawn_agent', arguments: '{"a"' },
            },
          ],
        }),
      ),
      ...sut.push(chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] })),
      ...sut.push(
        chunk(
          {
            tool_calls: [
              {
                index: 1,
                id: 'call_b',
                type: 'function',
                function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' },
              },
            ],
          },
          'tool_calls',
        ),
      ),
      ...sut.finish(usage),
    ];

    expect(typesOf(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(sut.response.output).toEqual([
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Think' }] },
      expect.objectContaining({ id: 'msg_2', type: 'message' }),
      {
        id: 'fc_3',
        type: 'function_call',
        status: 'completed',
        arguments: '{"a":1}',
        call_id: 'call_a',
        name: 'spawn_agent',
        namespace: 'multi_agent_v1',
      },
      {
        id: 'ctc_4',
        type: 'custom_tool_call',
        status: 'completed',
        call_id: 'call_b',
        name: 'apply_patch',
        input: '*** Begin Patch',
      },
    ]);
    expect(events[17]).toEqual({
      type: 'response.function_call_arguments.done',
      item_id: 'fc_3',
      output_index: 2,
      name: 'spawn_agent',
      arguments: '{"a":1}',
    });
  });

  it.each([
    ['length', 'max_output_tokens'],
    ['content_filter', 'content_filter'],
  ])('ends a %s finish as response.incomplete (%s)', (finish, reason) => {
    const sut = sutWith();
    sut.push(chunk({ content: 'cut' }, finish));
    const events = sut.finish(usage);

    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason } },
    });
    expect(sut.response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('ends a failed answer with response.failed carrying the error', () => {
    const sut = sutWith();
    sut.push(chunk({ content: 'part' }));
    const events = sut.fail(GatewayError.upstream(502, 'the upstream broke off'));

    expect(events).toEqual([
      {
        type: 'response.failed',
        response: expect.objectContaining({
          status: 'failed',
          error: { code: 'server_error', message: 'the upstream broke off' },
        }),
      },
    ]);
  });
});
