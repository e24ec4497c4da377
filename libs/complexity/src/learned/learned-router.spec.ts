import { type ChatMessage, ClassifyDecision, GatewayError } from '@switchyard/contracts';
import {
  FOUR_TIERS,
  TUNED_CONFIG,
  askOf,
  capturedRequest,
  requestOf,
  routerOf,
} from '../__fixtures__/routers';
import { ComplexityRouter } from '../complexity-router';
import { countRequestTokens } from '../request-tokens';

const LEARNED = { tiers: FOUR_TIERS, classifier_type: 'learned' };

const ASKS = {
  thanks: 'thanks!',
  test: 'write unit tests for the parseDuration function in utils/time.ts',
  migration:
    'add multi-tenant support across the API, the Postgres schema and the background workers: tenant id on every table, row-level security, and a migration for existing data',
  reasoning:
    'Our payment webhook handler double-charges about 1 in 5,000 orders, only in production. Hypotheses: the provider retries ' +
    'before our 200 goes out, two replicas race on the idempotency check, or the outbox relay republishes after a rebalance. ' +
    'Which is most likely, how would we tell them apart, and what fix is safe under all three?',
};

const user = (content: ChatMessage['content']): ChatMessage => ({ role: 'user', content }) as ChatMessage;
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

async function errorOf(action: () => Promise<unknown>): Promise<GatewayError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe(`${ComplexityRouter.name} with classifier_type: learned`, () => {
  it.each([
    [ASKS.thanks, 'SIMPLE', 'simple-model'],
    [ASKS.test, 'MEDIUM', 'medium-model'],
    [ASKS.migration, 'COMPLEX', 'complex-model'],
    [ASKS.reasoning, 'REASONING', 'reasoning-model'],
  ])('routes %j to %s by the learned model (cause learned)', async (ask, tier, model) => {
    const decision = await routerOf(LEARNED).decide(askOf(ask));
    expect(decision).toMatchObject({ tier, model, cause: 'learned' });
    expect(decision.complexity).toEqual({ tier, cause: 'learned', model });
    expect(decision.score).toBeGreaterThanOrEqual(0);
    expect(decision.score).toBeLessThanOrEqual(1);
    expect(ClassifyDecision.parse(decision)).toEqual(decision);
  });

  it('explains the decision: the strongest features as dimensions, the probabilities in the notes', async () => {
    const decision = await routerOf(LEARNED).decide(askOf(ASKS.reasoning));
    expect(decision.dimensions.length).toBeGreaterThan(0);
    for (const dimension of decision.dimensions) {
      expect(dimension.name).toMatch(/^feature:/);
      expect(dimension.raw).toBeGreaterThan(0);
      expect(dimension.matched).toHaveLength(1);
    }
    expect(new Set(decision.dimensions.map((dimension) => dimension.name)).size).toBe(
      decision.dimensions.length,
    );
    expect(decision.notes[0]).toMatch(
      /^learned: P\(SIMPLE\) [\d.]+, P\(MEDIUM\) [\d.]+, P\(COMPLEX\) [\d.]+, P\(REASONING\) [\d.]+; quality_bias 0 → REASONING$/,
    );
  });

  it('ignores the heuristic settings (weights, boundaries, keyword lists)', async () => {
    const plain = await routerOf(LEARNED).decide(askOf(ASKS.migration));
    const tuned = await routerOf({
      ...TUNED_CONFIG,
      classifier_type: 'learned',
      simple_keywords: ['support'],
    }).decide(askOf(ASKS.migration));
    expect(tuned).toEqual(plain);
  });

  it('scores the ask alone: a greeting after long technical history stays SIMPLE', async () => {
    const history = [
      user(ASKS.reasoning),
      assistant('Let us look at the retries and the outbox first. '.repeat(400)),
    ];
    const decision = await routerOf(LEARNED).decide(requestOf([...history, user('thanks!')]));
    expect(decision).toMatchObject({ tier: 'SIMPLE', cause: 'learned' });
  });

  it('reads the ask of a real OpenCode request, leaving its system prompt out', async () => {
    const { body, bytes } = capturedRequest('opencode-chat-request.json');
    const decision = await routerOf(LEARNED).decide({
      router: 'r',
      body,
      requestBytes: bytes,
      session: null,
    });
    expect(decision.cause).toBe('learned');
    expect(decision.tier).not.toBeNull();
  });

  it('moves decisions toward stronger tiers with quality_bias, never down', async () => {
    const asks = [
      ...Object.values(ASKS),
      'fix the flaky login test',
      'can you look at the retry logic',
      'clean up the imports',
      'why is the build slow',
      'update the readme',
      'add caching to the user endpoint',
    ];
    const ranks = async (bias: number) => {
      const tiers: number[] = [];
      for (const ask of asks) {
        const { tier } = await routerOf({ ...LEARNED, quality_bias: bias }).decide(askOf(ask));
        tiers.push(['SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING'].indexOf(tier ?? ''));
      }
      return tiers;
    };
    const levels: number[][] = [];
    for (const bias of [0, 0.25, 0.5, 0.75, 1]) levels.push(await ranks(bias));
    for (let level = 1; level < levels.length; level += 1) {
      levels[level].forEach((rank, index) => expect(rank).toBeGreaterThanOrEqual(levels[level - 1][index]));
    }
    expect(levels[4].reduce((sum, rank) => sum + rank, 0)).toBeGreaterThan(
      levels[0].reduce((sum, rank) => sum + rank, 0),
    );
    expect((await routerOf({ ...LEARNED, quality_bias: 1 }).decide(askOf(ASKS.thanks))).notes[0]).toMatch(
      /quality_bias 1 → /,
    );
  });

  describe('the steps around the classifier behave as for the heuristic', () => {
    it('housekeeping: the OpenCode title request goes to the cheapest configured tier, unscored', async () => {
      const { body, bytes } = capturedRequest('opencode-title-request.json');
      const request = { router: 'r', body, requestBytes: bytes, session: null };
      const learned = await routerOf({
        tiers: { MEDIUM: 'm', REASONING: 'r' },
        classifier_type: 'learned',
      }).decide(request);
      const heuristic = await routerOf({ tiers: { MEDIUM: 'm', REASONING: 'r' } }).decide(request);
      expect(learned).toMatchObject({
        tier: 'MEDIUM',
        model: 'm',
        cause: 'housekeeping',
        score: null,
        dimensions: [],
      });
      expect(learned).toEqual(heuristic);
    });

    it('no ask: default_model, else MEDIUM, else a 500; no messages: a 400', async () => {
      const noAsk = requestOf([
        { role: 'system', content: 'You are helpful.' },
        user([{ type: 'tool_result', tool_use_id: 't', content: 'x' }]),
      ]);
      for (const config of [{ ...LEARNED, default_model: 'fallback' }, LEARNED]) {
        const heuristic = await routerOf({ ...config, classifier_type: 'heuristic' }).decide(noAsk);
        expect(await routerOf(config).decide(noAsk)).toEqual(heuristic);
      }
      expect(await routerOf({ ...LEARNED, default_model: 'fallback' }).decide(noAsk)).toMatchObject({
        tier: null,
        model: 'fallback',
        cause: 'default_fallback',
      });
      expect(
        (await errorOf(() => routerOf({ tiers: { SIMPLE: 's' }, classifier_type: 'learned' }).decide(noAsk)))
          .status,
      ).toBe(500);
      expect(await errorOf(() => routerOf(LEARNED).decide(requestOf([])))).toMatchObject({
        status: 400,
        param: 'messages',
      });
    });

    it('escalation keywords move the decided tier up one configured step, score unchanged', async () => {
      const plain = await routerOf(LEARNED).decide(askOf(ASKS.test));
      const escalated = await routerOf(LEARNED).decide(askOf(`${ASKS.test} LITELLM ESCALATE`));
      expect(plain.tier).toBe('MEDIUM');
      expect(escalated).toMatchObject({ tier: 'COMPLEX', cause: 'learned' });
      expect(escalated.notes).toContain('escalation keyword "LITELLM ESCALATE" moved MEDIUM → COMPLEX');
    });

    it('a decided tier without an entry goes to default_model, else MEDIUM, else a 500 naming the router', async () => {
      const withDefault = routerOf({
        tiers: { SIMPLE: 's', MEDIUM: 'm' },
        classifier_type: 'learned',
        default_model: 'd',
      });
      expect(await withDefault.decide(askOf(ASKS.reasoning))).toMatchObject({
        tier: null,
        model: 'd',
        cause: 'default_fallback',
      });
      const toMedium = routerOf({ tiers: { SIMPLE: 's', MEDIUM: 'm' }, classifier_type: 'learned' });
      expect(await toMedium.decide(askOf(ASKS.reasoning))).toMatchObject({
        tier: 'MEDIUM',
        model: 'm',
        cause: 'default_fallback',
      });
      const neither = routerOf(
        { tiers: { SIMPLE: 's', COMPLEX: 'c' }, classifier_type: 'learned' },
        { name: 'two-tier' },
      );
      expect((await errorOf(() => neither.decide(askOf(ASKS.reasoning)))).message).toContain(
        'router "two-tier" decided tier REASONING',
      );
    });

    it('capacity moves a request that does not fit up to the lowest tier that fits, as its own cause', async () => {
      const windows = {
        'simple-model': 1000,
        'medium-model': 2000,
        'complex-model': null,
        'reasoning-model': 100_000,
      };
      const request = requestOf([user('Start'), assistant(' word'.repeat(1500)), user('thanks!')]);
      const decision = await routerOf(LEARNED, { windows }).decide(request);
      expect(decision).toMatchObject({
        tier: 'MEDIUM',
        cause: 'context_window',
        requestTokens: await countRequestTokens(request.body),
      });
      expect(decision.complexity).toEqual({ tier: 'SIMPLE', cause: 'learned', model: 'simple-model' });
    });

    it('session affinity keeps the last model while the ask does not decide higher', async () => {
      const session = { id: 'ses_1', lastTier: 'COMPLEX' as const, lastModel: 'complex-model' };
      const decision = await routerOf({ ...LEARNED, session_affinity: true }).decide(
        askOf('thanks!', { session }),
      );
      expect(decision).toMatchObject({ tier: 'COMPLEX', model: 'complex-model', cause: 'session_affinity' });
      expect(decision.complexity).toEqual({ tier: 'SIMPLE', cause: 'learned', model: 'simple-model' });
    });
  });

  describe('heuristic routers are unchanged', () => {
    it('classifier_type heuristic (or none) gives the seed examples exactly', async () => {
      for (const config of [TUNED_CONFIG, { ...TUNED_CONFIG, classifier_type: 'heuristic' }]) {
        const sut = routerOf(config);
        expect(await sut.decide(askOf('Hello, can you help me?'))).toMatchObject({
          score: -0.2,
          tier: 'SIMPLE',
          cause: 'heuristic_scorer',
        });
        expect(
          await sut.decide(
            askOf(
              'Design a distributed microservice architecture with container orchestration, high throughput, and low latency',
            ),
          ),
        ).toMatchObject({ score: 0.25, tier: 'COMPLEX', cause: 'heuristic_scorer' });
      }
    });

    it('quality_bias does not touch a heuristic router', async () => {
      for (const ask of Object.values(ASKS)) {
        expect(await routerOf({ ...TUNED_CONFIG, quality_bias: 1 }).decide(askOf(ask))).toEqual(
          await routerOf(TUNED_CONFIG).decide(askOf(ask)),
        );
      }
    });
  });
});
