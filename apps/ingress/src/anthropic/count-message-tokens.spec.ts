import type { GatewayConfiguration } from '@switchyard/config';
import { countRequestTokens } from '@switchyard/complexity/request-tokens';
import { GatewayError } from '@switchyard/contracts';
import type { ResolveModel } from '../routing/resolve-model';
import type { ChatCallContext } from '../completion/chat-context';
import { CountMessageTokens } from './count-message-tokens';
import { toChatCompletionRequest } from './to-chat-completion-request';

describe(CountMessageTokens.name, () => {
  const routers = new Set(['opencodego-router']);
  const models = new Set(['claude-sonnet-4-6']);
  const configuration = { router: (name: string) => (routers.has(name) ? { name } : null) };
  const resolveModel = {
    direct: (name: string) => {
      if (!models.has(name))
        throw GatewayError.notFound(`The model "${name}" does not exist on this gateway.`);
      return null;
    },
  };
  const authorized: string[] = [];
  const admission = {
    authorize: (_context: ChatCallContext, model: string) => {
      if (model === 'claude-opus-4-8') throw GatewayError.forbidden(`This key may not use "${model}".`);
      authorized.push(model);
    },
    admit: () => Promise.reject(new Error('count_tokens admits nothing')),
  };
  const context = {} as ChatCallContext;
  let sut: CountMessageTokens;

  beforeEach(() => {
    authorized.length = 0;
    sut = new CountMessageTokens(
      configuration as unknown as GatewayConfiguration,
      resolveModel as unknown as ResolveModel,
      admission,
    );
  });

  it("checks the key's scope for the model before counting", () => {
    expect(() =>
      sut.execute({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'Hi' }] }, context),
    ).toThrow(expect.objectContaining({ status: 403 }));
    sut.execute({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hi' }] }, context);
    expect(authorized).toEqual(['claude-sonnet-4-6']);
  });

  it('counts the canonical form with the o200k tokenizer', () => {
    const request = {
      model: 'claude-sonnet-4-6',
      system: 'You are terse.',
      messages: [{ role: 'user' as const, content: 'How many tokens is this?' }],
      tools: [{ name: 'read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
    };

    const { input_tokens: inputTokens } = sut.execute(request, context);

    expect(inputTokens).toBe(countRequestTokens(toChatCompletionRequest(request)));
    expect(inputTokens).toBeGreaterThan(20);
  });

  it('counts for a router', () => {
    expect(
      sut.execute({ model: 'opencodego-router', messages: [{ role: 'user', content: 'Hi' }] }, context)
        .input_tokens,
    ).toBeGreaterThan(0);
  });

  it('refuses a model the gateway does not have with 404', () => {
    expect(() =>
      sut.execute({ model: 'gpt-9', messages: [{ role: 'user', content: 'Hi' }] }, context),
    ).toThrow(expect.objectContaining({ status: 404 }));
  });
});
