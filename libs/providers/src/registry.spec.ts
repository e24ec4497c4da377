import type { ChatCompletionRequest } from '@switchyard/contracts';
import { bodyOf, readJsonFixture, targetFor } from './__fixtures__/fixture-helpers';
import { PROVIDER_KINDS, PROVIDERS, providerFor } from './registry';

/** The main agent request OpenCode 1.18 sends (10 tools, a 9.7 KB system prompt), captured as is. */
const opencodeChat = (
  readJsonFixture(__dirname, 'opencode-chat-request.json') as { body: ChatCompletionRequest }
).body;
const opencodeTitle = (
  readJsonFixture(__dirname, 'opencode-title-request.json') as { body: ChatCompletionRequest }
).body;
const toolNames = ['bash', 'edit', 'glob', 'grep', 'read', 'skill', 'task', 'todowrite', 'webfetch', 'write'];

function keysDeep(value: unknown, keys = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysDeep(item, keys);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      keys.add(key);
      keysDeep(item, keys);
    }
  }
  return keys;
}

describe(providerFor.name, () => {
  it.each(PROVIDER_KINDS)('returns the %s provider, one object for every call', (kind) => {
    const sut = providerFor(kind);

    expect(sut.kind).toBe(kind);
    expect(providerFor(kind)).toBe(sut);
  });

  it('lists each wire format once, with its own key and base URL variables', () => {
    expect(PROVIDER_KINDS).toEqual(['openai', 'anthropic', 'gemini', 'mistral']);
    expect(new Set(PROVIDERS.map((provider) => provider.apiKeyEnv)).size).toBe(PROVIDERS.length);
    expect(new Set(PROVIDERS.map((provider) => provider.apiBaseEnv)).size).toBe(PROVIDERS.length);
    for (const provider of PROVIDERS) expect(provider.defaultBaseUrl).toMatch(/^https:\/\/[^/]+.*[^/]$/);
  });

  describe('with the OpenCode agent request', () => {
    it('sends it to a custom OpenAI-compatible provider as it is, with usage requested', () => {
      const target = targetFor({
        provider: 'opencodego',
        providerModel: 'kimi-k2.6',
        apiBase: 'https://opencode.ai/zen/go/v1',
      });

      const sut = providerFor('openai');

      const body = bodyOf(sut.chat.buildRequest(opencodeChat, target, { stream: true }));

      expect(body).toEqual({ ...opencodeChat, model: 'kimi-k2.6', stream_options: { include_usage: true } });
    });

    it('gives Anthropic the system prompt, the ten tools and the 32000-token limit', () => {
      const target = targetFor({ provider: 'anthropic', providerModel: 'claude-sonnet-4-6' });

      const body = bodyOf(
        providerFor('anthropic').chat.buildRequest(opencodeChat, target, { stream: true }),
      ) as {
        system: { text: string }[];
        tools: { name: string; input_schema: { type: string } }[];
      } & Record<string, unknown>;

      expect(body.max_tokens).toBe(32000);
      expect(body.system[0].text).toBe(opencodeChat.messages[0].content);
      expect(body.tools.map((tool) => tool.name)).toEqual(toolNames);
      expect(body.tools.every((tool) => tool.input_schema.type === 'object')).toBe(true);
      expect(body.tool_choice).toEqual({ type: 'auto' });
      expect(body).not.toHaveProperty('stream_options');
    });

    it('gives Gemini function declarations without the JSON-schema keys it rejects', () => {
      const target = targetFor({ provider: 'gemini', providerModel: 'gemini-3.1-pro-preview' });

      const sut = providerFor('gemini');

      const body = bodyOf(sut.chat.buildRequest(opencodeChat, target, { stream: true })) as {
        tools: { functionDeclarations: { name: string }[] }[];
      } & Record<string, unknown>;

      expect(body.tools[0].functionDeclarations.map((declaration) => declaration.name)).toEqual(toolNames);
      const keys = keysDeep(body.tools);
      for (const rejected of ['$schema', 'additionalProperties', 'exclusiveMinimum', 'default']) {
        expect(keys.has(rejected)).toBe(false);
      }
      expect(body.generationConfig).toEqual({ maxOutputTokens: 32000 });
    });

    it('gives Mistral only parameters it accepts', () => {
      const target = targetFor({ provider: 'mistral', providerModel: 'mistral-small-2603' });

      const sut = providerFor('mistral');

      const body = bodyOf(sut.chat.buildRequest(opencodeTitle, target, { stream: true }));

      expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model', 'stream']);
      expect(body.messages).toEqual(
        opencodeTitle.messages.map((message) => ({ role: message.role, content: message.content })),
      );
    });
  });
});
