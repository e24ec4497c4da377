import type { ChatInput } from './chat-input';
import { chooseTool, planReply } from './reply-plan';
import { buildToolArguments } from './tool-arguments';

function input(overrides: Partial<ChatInput> = {}): ChatInput {
  return {
    format: 'openai',
    model: 'gpt-5.5',
    stream: false,
    systemCharacters: 0,
    promptCharacters: 0,
    messageCount: 1,
    lastTurn: { kind: 'user', text: 'hello' },
    tools: [],
    toolChoice: { type: 'auto' },
    reasoningTokens: 0,
    showReasoning: false,
    cacheControl: false,
    maxOutputTokens: null,
    includeUsage: false,
    directive: null,
    ...overrides,
  };
}

const knobs = { chunks: 8, reply: null, safetyBlock: false };
const weather = {
  name: 'get_weather',
  description: 'Weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('planReply', () => {
  it('counts prompt tokens as ceil(characters / 4) + 3 per message and output from the reply text', () => {
    const sut = planReply(input({ promptCharacters: 41, messageCount: 2 }), knobs);
    expect(sut.usage.promptTokens).toBe(11 + 6);
    expect(sut.text).toBe('Mock reply from gpt-5.5: hello');
    expect(sut.usage.outputTokens).toBe(Math.ceil(sut.text.length / 4));
    expect(sut.finish).toBe('stop');
  });

  it('reports no cache below 1024 prompt tokens', () => {
    const sut = planReply(input({ promptCharacters: 4000, systemCharacters: 4000 }), knobs);
    expect(sut.usage.promptTokens).toBe(1003);
    expect(sut.usage.cachedTokens).toBe(0);
  });

  it('caches the system prompt rounded down to 128 tokens from 1024 prompt tokens on', () => {
    const sut = planReply(input({ promptCharacters: 8000, systemCharacters: 2100, messageCount: 2 }), knobs);
    expect(sut.usage.promptTokens).toBe(2006);
    expect(sut.usage.cachedTokens).toBe(512); // ceil(2100 / 4) = 525 → 512
    expect(sut.usage.cacheWriteTokens).toBe(0);
  });

  it('writes half of the uncached rest to cache when the request carries cache_control', () => {
    const sut = planReply(
      input({ promptCharacters: 8000, systemCharacters: 2100, messageCount: 2, cacheControl: true }),
      knobs,
    );
    expect(sut.usage.cacheWriteTokens).toBe(Math.floor((2006 - 512) / 256) * 128);
  });

  it('calls the tool the last user message names, with arguments from its schema', () => {
    const sut = planReply(
      input({ tools: [weather], lastTurn: { kind: 'user', text: 'call GET_WEATHER please' } }),
      knobs,
    );
    expect(sut.kind).toBe('tool-call');
    expect(sut.finish).toBe('tool_calls');
    expect(sut.toolCall?.arguments).toEqual(buildToolArguments(weather.parameters));
    expect(sut.toolCall?.argumentChunks.join('')).toBe('{"city":"mock-city"}');
    expect(sut.usage.outputTokens).toBe(
      Math.ceil(('get_weather'.length + '{"city":"mock-city"}'.length) / 4),
    );
  });

  it('answers a tool result with text even when the tool is named again', () => {
    const sut = planReply(
      input({ tools: [weather], lastTurn: { kind: 'tool-result', text: 'get_weather says 21' } }),
      knobs,
    );
    expect(sut.kind).toBe('text');
    expect(sut.text).toBe('Mock reply from gpt-5.5: tool result: get_weather says 21');
  });

  it('adds the requested reasoning tokens and a reasoning text', () => {
    const sut = planReply(input({ reasoningTokens: 64 }), knobs);
    expect(sut.usage.reasoningTokens).toBe(64);
    expect(sut.reasoningText).toContain('Mock reasoning from gpt-5.5');
  });

  it('truncates the reply at the output limit and finishes with length', () => {
    const sut = planReply(input({ maxOutputTokens: 2 }), knobs);
    expect(sut.text).toBe('Mock rep');
    expect(sut.finish).toBe('length');
    expect(sut.usage.outputTokens).toBe(2);
  });

  it('applies the reply and safety-block knobs', () => {
    expect(planReply(input(), { ...knobs, reply: 'exact text' }).text).toBe('exact text');
    const blocked = planReply(input(), { ...knobs, safetyBlock: true });
    expect(blocked.kind).toBe('blocked');
    expect(blocked.finish).toBe('content_filter');
    expect(blocked.usage.outputTokens).toBe(0);
  });
});

describe('chooseTool', () => {
  const read = { name: 'read', description: '', parameters: {} };
  const tools = [weather, read];

  it('follows tool_choice: none, a named tool, required', () => {
    const text = { kind: 'user' as const, text: 'read it' };
    expect(chooseTool(input({ tools, lastTurn: text, toolChoice: { type: 'none' } }))).toBeNull();
    expect(
      chooseTool(input({ tools, lastTurn: text, toolChoice: { type: 'tool', name: 'get_weather' } }))?.name,
    ).toBe('get_weather');
    expect(
      chooseTool(input({ tools, lastTurn: text, toolChoice: { type: 'required', allowed: null } }))?.name,
    ).toBe('read');
    expect(
      chooseTool(
        input({
          tools,
          lastTurn: { kind: 'user', text: 'nothing' },
          toolChoice: { type: 'required', allowed: null },
        }),
      )?.name,
    ).toBe('get_weather');
    expect(
      chooseTool(
        input({
          tools,
          lastTurn: { kind: 'user', text: 'nothing' },
          toolChoice: { type: 'required', allowed: ['read'] },
        }),
      )?.name,
    ).toBe('read');
  });

  it('calls no tool when none is named under auto', () => {
    expect(chooseTool(input({ tools, lastTurn: { kind: 'user', text: 'hello' } }))).toBeNull();
  });
});
