import {
  mergeProviderFields,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionChunkChoice,
  type FinishReason,
  type OpenAIUsage,
  type ProviderResponseFields,
  type ToolCall,
} from '@switchyard/contracts';

/**
 * Builds the completion a chunk stream amounts to (for storing a streamed answer); the chunks'
 * `provider_fields` are kept, merged, as a non-streamed answer keeps them.
 */
export function assembleCompletion(chunks: readonly ChatCompletionChunk[]): ChatCompletion | null {
  const first = chunks.find((chunk) => chunk.choices.length > 0) ?? chunks[0];
  if (!first) return null;
  const choices = new Map<
    number,
    { content: string; reasoning: string; finish: FinishReason | null; tools: Map<number, ToolCall> }
  >();
  let usage: OpenAIUsage | undefined;
  let providerFields: ProviderResponseFields | undefined;
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    providerFields = mergeProviderFields(providerFields, chunk.provider_fields);
    for (const choice of chunk.choices) {
      const state = choices.get(choice.index) ?? {
        content: '',
        reasoning: '',
        finish: null,
        tools: new Map<number, ToolCall>(),
      };
      state.content += choice.delta.content ?? '';
      state.reasoning += choice.delta.reasoning_content ?? '';
      state.finish = choice.finish_reason ?? state.finish;
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = state.tools.get(delta.index) ?? {
          id: '',
          type: 'function' as const,
          function: { name: '', arguments: '' },
        };
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.function.name += delta.function.name;
        call.function.arguments += delta.function?.arguments ?? '';
        state.tools.set(delta.index, call);
      }
      choices.set(choice.index, state);
    }
  }
  return {
    id: first.id,
    object: 'chat.completion',
    created: first.created,
    model: first.model,
    choices: [...choices.entries()]
      .sort(([left], [right]) => left - right)
      .map(([index, state]) => ({
        index,
        message: {
          role: 'assistant' as const,
          content: state.content === '' && state.tools.size > 0 ? null : state.content,
          ...(state.reasoning ? { reasoning_content: state.reasoning } : {}),
          ...(state.tools.size > 0 ? { tool_calls: [...state.tools.values()] } : {}),
        },
        finish_reason: state.finish,
      })),
    ...(usage ? { usage } : {}),
    ...(providerFields ? { provider_fields: providerFields } : {}),
  };
}

/**
 * The stream a completion replays as: role, content, tool calls, finish (with the completion's
 * `provider_fields`, on the first choice's finish chunk), then usage.
 */
export function completionToChunks(completion: ChatCompletion): ChatCompletionChunk[] {
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk' as const,
    created: completion.created,
    model: completion.model,
  };
  const chunks: ChatCompletionChunk[] = [];
  const chunk = (choices: ChatCompletionChunkChoice[]) => chunks.push({ ...base, choices });
  for (const choice of completion.choices) {
    const message = choice.message;
    chunk([{ index: choice.index, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    if (message.reasoning_content) {
      chunk([
        { index: choice.index, delta: { reasoning_content: message.reasoning_content }, finish_reason: null },
      ]);
    }
    if (message.content)
      chunk([{ index: choice.index, delta: { content: message.content }, finish_reason: null }]);
    (message.tool_calls ?? []).forEach((call, index) =>
      chunk([
        {
          index: choice.index,
          delta: {
            tool_calls: [
              {
                index,
                id: call.id,
                type: 'function',
                function: { name: call.function.name, arguments: call.function.arguments },
              },
            ],
          },
          finish_reason: null,
        },
      ]),
    );
    chunk([{ index: choice.index, delta: {}, finish_reason: choice.finish_reason }]);
    if (completion.provider_fields && choice === completion.choices[0]) {
      chunks[chunks.length - 1].provider_fields = completion.provider_fields;
    }
  }
  if (completion.usage) chunks.push({ ...base, choices: [], usage: completion.usage });
  return chunks;
}
