import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractAsk } from '@switchyard/complexity/ask';
import { parseGenerateContentRequest } from './parse-gemini-request';
import { reasoningEffortOf, toChatCompletionRequest, toChatMessages } from './to-chat-completion-request';

const fixture = JSON.parse(
  readFileSync(join(__dirname, '../../../../../shared/fixtures/gemini-cli-request.json'), 'utf8'),
) as { body: unknown };

describe('toChatCompletionRequest (Gemini → canonical)', () => {
  it("turns Gemini CLI's request into a canonical one whose ask is the user's, not the session context", () => {
    const request = parseGenerateContentRequest(fixture.body);
    const sut = toChatCompletionRequest(request, 'opencodego-router', true);

    expect(sut.messages[0].role).toBe('system');
    expect((sut.messages[0].content as string).length).toBeGreaterThan(20_000);
    expect(sut.messages.slice(1).map((message) => message.role)).toEqual(['user', 'user']);
    expect(sut.messages[1].content as string).toMatch(/^<session_context>/);
    expect(extractAsk(sut.messages)).toBe(
      'Refactor the retry logic in src/http.ts to use exponential backoff',
    );
    expect(sut.tools!.map((tool) => tool.function.name)).toContain('read_file');
    expect(sut).toMatchObject({
      model: 'opencodego-router',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 1,
      top_p: 0.95,
      top_k: 64,
      reasoning_effort: 'high',
    });
  });

  it('maps function calls and responses to tool calls and tool messages, by id or by name', () => {
    const messages = toChatMessages(
      parseGenerateContentRequest({
        contents: [
          { role: 'user', parts: [{ text: 'weather?' }] },
          {
            role: 'model',
            parts: [
              { text: 'thinking…', thought: true },
              { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig' },
              { functionCall: { name: 'get_time', args: {}, id: 'call-7' } },
            ],
          },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_time', id: 'call-7', response: { output: 'noon' } } },
              { functionResponse: { name: 'get_weather', response: { temperature: 21 } } },
            ],
          },
        ],
      }),
    );
    expect(messages).toEqual([
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            extra_content: { google: { thought_signature: 'sig' } },
          },
          { id: 'call-7', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call-7', content: 'noon' },
      { role: 'tool', tool_call_id: 'call_1_1', content: '{"temperature":21}' },
    ]);
  });

  it('maps media parts, generation config, tool config and safety settings', () => {
    const sut = toChatCompletionRequest(
      parseGenerateContentRequest({
        contents: [
          {
            parts: [
              { text: 'look' },
              { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
              { fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/a.pdf' } },
            ],
          },
        ],
        systemInstruction: { parts: [{ text: 'be brief' }, { text: 'be kind' }] },
        tools: [
          {
            functionDeclarations: [
              {
                name: 'a',
                parameters: { type: 'OBJECT', properties: { x: { type: 'STRING', nullable: true } } },
              },
              { name: 'b' },
              { name: 'c' },
            ],
          },
          { googleSearch: {} },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['a', 'b'] } },
        generationConfig: {
          maxOutputTokens: 100,
          stopSequences: ['END'],
          responseMimeType: 'application/json',
          responseSchema: { type: 'OBJECT', properties: { ok: { type: 'BOOLEAN' } } },
          thinkingConfig: { thinkingBudget: 1024 },
        },
        safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
      }),
      'gemini-2.5-pro',
      false,
    );
    expect(sut.messages).toEqual([
      { role: 'system', content: 'be brief\nbe kind' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'file', file: { file_data: 'https://example.com/a.pdf' } },
        ],
      },
    ]);
    expect(sut.tools!.map((tool) => tool.function.name)).toEqual(['a', 'b']);
    expect(sut.tools![0].function.parameters).toEqual({
      type: 'object',
      properties: { x: { type: ['string', 'null'] } },
    });
    expect(sut).toMatchObject({
      stream: false,
      tool_choice: 'required',
      max_tokens: 100,
      stop: ['END'],
      reasoning_effort: 'low',
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'response',
          schema: { type: 'object', properties: { ok: { type: 'boolean' } } },
        },
      },
      provider_options: {
        gemini: { safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }] },
      },
    });
    expect(sut.stream_options).toBeUndefined();
  });

  it.each([
    [{ thinkingLevel: 'HIGH' as const }, 'high'],
    [{ thinkingLevel: 'MEDIUM' as const }, 'medium'],
    [{ thinkingLevel: 'MINIMAL' as const }, 'low'],
    [{ thinkingBudget: 0 }, undefined],
    [{ thinkingBudget: -1 }, 'medium'],
    [{ thinkingBudget: 8192 }, 'medium'],
    [{ thinkingBudget: 24576 }, 'high'],
    [{ includeThoughts: true }, undefined],
  ])('thinkingConfig %j → reasoning_effort %s', (thinking, effort) => {
    expect(reasoningEffortOf(thinking)).toBe(effort);
  });

  it('names one allowed function as the tool choice, and NONE as none', () => {
    const tools = [{ functionDeclarations: [{ name: 'a' }, { name: 'b' }] }];
    const one = toChatCompletionRequest(
      parseGenerateContentRequest({
        contents: [{ parts: [{ text: 'x' }] }],
        tools,
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['b'] } },
      }),
      'm',
      false,
    );
    expect(one.tool_choice).toEqual({ type: 'function', function: { name: 'b' } });
    const none = toChatCompletionRequest(
      parseGenerateContentRequest({
        contents: [{ parts: [{ text: 'x' }] }],
        tools,
        toolConfig: { functionCallingConfig: { mode: 'NONE' } },
      }),
      'm',
      false,
    );
    expect(none.tool_choice).toBe('none');
  });
});
