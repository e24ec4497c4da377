import type { GatewayConfiguration } from '@switchyard/config';
import { countRequestTokens } from '@switchyard/complexity/request-tokens';
import { GatewayError } from '@switchyard/contracts';
import type { ResolveModel } from '../routing/resolve-model';
import type { ChatCallContext } from '../http/chat-context';
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
      return { modelGroup: name, modelName: name, deployments: [], decision: null };
    },
  };
  const authorized: string[] = [];
  const admitted: string[] = [];
  const settled: unknown[] = [];
  let refuseAdmission = false;
  const admission = {
    authorize: (_context: ChatCallContext, model: string) => {
      if (model === 'claude-opus-4-8') throw GatewayError.forbidden(`This key may not use "${model}".`);
      authorized.push(model);
    },
    admit: (_context: ChatCallContext, resolved: { modelGroup: string }) => {
      if (refuseAdmission) return Promise.reject(GatewayError.rateLimited('rpm_limit reached', 1000));
      admitted.push(resolved.modelGroup);
      return Promise.resolve({
        headers: {},
        settle: (outcome: unknown) => settled.push(outcome),
        reserveAgain: () => Promise.resolve(false),
      });
    },
  };
  const context = {} as ChatCallContext;
  let sut: CountMessageTokens;

  beforeEach(() => {
    authorized.length = 0;
    admitted.length = 0;
    settled.length = 0;
    refuseAdmission = false;
    sut = new CountMessageTokens(
      configuration as unknown as GatewayConfiguration,
      resolveModel as unknown as ResolveModel,
      admission,
    );
  });

  it("checks the key's scope for the model before counting", async () => {
    await expect(
      sut.execute({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'Hi' }] }, context),
    ).rejects.toMatchObject({ status: 403 });
    await sut.execute({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hi' }] }, context);
    expect(authorized).toEqual(['claude-sonnet-4-6']);
  });

  it("counts against the key's rate limits and holds nothing afterwards", async () => {
    const request = { model: 'claude-sonnet-4-6', messages: [{ role: 'user' as const, content: 'Hi' }] };
    await sut.execute(request, context);
    expect(admitted).toEqual(['claude-sonnet-4-6']);
    expect(settled).toEqual([null]);

    refuseAdmission = true;
    await expect(sut.execute(request, context)).rejects.toMatchObject({ status: 429 });
  });

  it('counts the canonical form with the o200k tokenizer', async () => {
    const request = {
      model: 'claude-sonnet-4-6',
      system: 'You are terse.',
      messages: [{ role: 'user' as const, content: 'How many tokens is this?' }],
      tools: [{ name: 'read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
    };

    const { input_tokens: inputTokens } = await sut.execute(request, context);

    expect(inputTokens).toBe(await countRequestTokens(toChatCompletionRequest(request)));
    expect(inputTokens).toBeGreaterThan(20);
  });

  it('counts for a router', async () => {
    const counted = await sut.execute(
      { model: 'opencodego-router', messages: [{ role: 'user', content: 'Hi' }] },
      context,
    );
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(admitted).toEqual(['opencodego-router']);
  });

  it('refuses a model the gateway does not have with 404', async () => {
    await expect(
      sut.execute({ model: 'gpt-9', messages: [{ role: 'user', content: 'Hi' }] }, context),
    ).rejects.toMatchObject({ status: 404 });
  });
});
