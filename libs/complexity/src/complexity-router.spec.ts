import { join } from 'node:path';
import { loadGatewayConfig } from '@switchyard/config';
import { type ChatMessage, ClassifyDecision, GatewayError } from '@switchyard/contracts';
import { ComplexityRouter } from './complexity-router';
import {
  askOf,
  capturedRequest,
  FOUR_TIERS,
  requestOf,
  routerOf,
  TUNED_CONFIG,
} from './__fixtures__/routers';
import type { ModelPicker } from './model-picker';
import { countRequestTokens } from './request-tokens';

const EXAMPLES = {
  greeting: 'Hello, can you help me?',
  refactor: 'Refactor the API to use async database queries with proper error handling',
  design:
    'Design a distributed microservice architecture with container orchestration, high throughput, and low latency',
  reasoning:
    'Explain your reasoning for this authentication architecture. First, analyze the distributed design, then implement the container orchestration layer.',
};

const demo = loadGatewayConfig({ configPath: join(__dirname, '../../../config/demo.yaml'), environment: {} });
function demoRouter(name: string): ComplexityRouter {
  const definition = demo.router(name);
  if (!definition) throw new Error(`demo.yaml has no ${name}`);
  return new ComplexityRouter(definition, { contextWindowOf: () => null });
}

async function errorOf(action: () => Promise<unknown>): Promise<GatewayError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const user = (content: ChatMessage['content']): ChatMessage => ({ role: 'user', content }) as ChatMessage;
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

describe(ComplexityRouter.name, () => {
  describe('the worked examples (tuned config)', () => {
    it.each([
      [EXAMPLES.greeting, -0.2, 'SIMPLE', 'simple-model'],
      [EXAMPLES.refactor, 0.1, 'MEDIUM', 'medium-model'],
      [EXAMPLES.design, 0.25, 'COMPLEX', 'complex-model'],
      [EXAMPLES.reasoning, 0.595, 'REASONING', 'reasoning-model'],
    ])('%j scores %d → %s', async (ask, score, tier, model) => {
      const sut = routerOf(TUNED_CONFIG);
      const decision = await sut.decide(askOf(ask));
      expect(decision).toMatchObject({ score, tier, model, cause: 'heuristic_scorer' });
      expect(decision.complexity).toEqual({ tier, cause: 'heuristic_scorer', model });
      expect(ClassifyDecision.parse(decision)).toEqual(decision);
    });

    it('explains each dimension: name, raw score, weight, matched keywords', async () => {
      const decision = await routerOf(TUNED_CONFIG).decide(askOf(EXAMPLES.refactor));
      expect(decision.dimensions).toEqual([
        { name: 'tokenCount', raw: 0, weight: 0, matched: [] },
        {
          name: 'codePresence',
          raw: 1,
          weight: 0.1,
          matched: ['async', 'error', 'api', 'database', 'refactor'],
        },
        { name: 'reasoningMarkers', raw: 0, weight: 0.4, matched: [] },
        { name: 'technicalTerms', raw: 0, weight: 0.25, matched: [] },
        { name: 'simpleIndicators', raw: 0, weight: 0.2, matched: [] },
        { name: 'multiStepPatterns', raw: 0, weight: 0.03, matched: [] },
        { name: 'questionComplexity', raw: 0, weight: 0.02, matched: [] },
      ]);
    });
  });

  describe('boundaries', () => {
    it('sends a score equal to a boundary up (0.1 → MEDIUM, 0.25 → COMPLEX, 0.55 → REASONING)', async () => {
      const sut = routerOf(TUNED_CONFIG);
      expect(await sut.decide(askOf(EXAMPLES.refactor))).toMatchObject({ score: 0.1, tier: 'MEDIUM' });
      expect(await sut.decide(askOf(EXAMPLES.design))).toMatchObject({ score: 0.25, tier: 'COMPLEX' });
      const onlyCode = routerOf({ ...TUNED_CONFIG, dimension_weights: { codePresence: 0.55 } });
      expect(await onlyCode.decide(askOf('sql and api'))).toMatchObject({ score: 0.55, tier: 'REASONING' });
      expect(await onlyCode.decide(askOf('sql only'))).toMatchObject({ score: 0.275, tier: 'COMPLEX' });
    });

    it('keeps the default of a boundary key left out', async () => {
      // default weights: the refactor ask scores 0.3 (five code keywords × 0.3)
      const lowered = routerOf({ tiers: FOUR_TIERS, tier_boundaries: { simple_medium: 0.05 } });
      expect(await lowered.decide(askOf(EXAMPLES.refactor))).toMatchObject({ score: 0.3, tier: 'MEDIUM' }); // 0.3 < 0.35
      const tie = routerOf({ tiers: FOUR_TIERS, tier_boundaries: { medium_complex: 0.3 } });
      expect(await tie.decide(askOf(EXAMPLES.refactor))).toMatchObject({ score: 0.3, tier: 'COMPLEX' });
    });
  });

  describe('what is scored', () => {
    it('keeps a greeting after 40k tokens of technical history SIMPLE (−0.20): history is never scored', async () => {
      const technical = `${EXAMPLES.reasoning} ${EXAMPLES.design} ${EXAMPLES.refactor} Think carefully, step by step. `;
      const history: ChatMessage[] = [];
      for (let turn = 0; turn < 20; turn += 1) {
        history.push(user(technical.repeat(20)), assistant(technical.repeat(20)));
      }
      const sut = routerOf(TUNED_CONFIG);
      const request = requestOf([
        { role: 'system', content: technical },
        ...history,
        user(EXAMPLES.greeting),
      ]);
      expect(await countRequestTokens(request.body)).toBeGreaterThan(40_000);
      expect(await sut.decide(request)).toMatchObject({ score: -0.2, tier: 'SIMPLE' });
      // the same history as the ask would be the top tier
      expect((await sut.decide(askOf(technical))).tier).toBe('REASONING');
    });

    it('skips a tool-result-only user turn (list content) and scores the turn before it', async () => {
      const sut = routerOf(TUNED_CONFIG);
      const decision = await sut.decide(
        requestOf([
          user([{ type: 'text', text: EXAMPLES.design }]),
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 't1', type: 'function', function: { name: 'read', arguments: '{}' } }],
          },
          user([{ type: 'tool_result', tool_use_id: 't1', content: 'Hello! thanks, bye' }]),
        ]),
      );
      expect(decision).toMatchObject({ score: 0.25, tier: 'COMPLEX' });
    });

    it('removes <system-reminder> blocks before scoring', async () => {
      const sut = routerOf(TUNED_CONFIG);
      const decision = await sut.decide(
        askOf(`<system-reminder>${EXAMPLES.reasoning}</system-reminder>\n${EXAMPLES.greeting}`),
      );
      expect(decision).toMatchObject({ score: -0.2, tier: 'SIMPLE' });
    });

    it('matches keywords between Unicode word boundaries', async () => {
      const sut = routerOf(TUNED_CONFIG);
      const codeOf = async (ask: string) => (await sut.decide(askOf(ask))).dimensions[1].matched;
      expect(await codeOf('请帮我API')).toEqual([]);
      expect(await codeOf('Store the api_key')).toEqual([]);
      expect(await codeOf('Update Node.js')).toEqual(['node']);
      expect((await sut.decide(askOf('Scale microservices'))).dimensions[3].matched).toEqual([]);
      expect((await sut.decide(askOf('What’s new'))).dimensions[4].matched).toEqual([]);
      expect((await sut.decide(askOf("What's new"))).dimensions[4].matched).toEqual(["what's"]);
    });

    it('replaces the default weights with dimension_weights (a dimension left out weighs 0)', async () => {
      expect((await routerOf({ tiers: FOUR_TIERS }).decide(askOf(EXAMPLES.greeting))).score).toBe(
        -0.1 + -0.05,
      );
      const sut = routerOf({ tiers: FOUR_TIERS, dimension_weights: { simpleIndicators: 0.2 } });
      const decision = await sut.decide(askOf(EXAMPLES.greeting));
      expect(decision.score).toBe(-0.2);
      expect(decision.dimensions[0]).toEqual({ name: 'tokenCount', raw: -1, weight: 0, matched: [] });
    });

    it('replaces a keyword list outright', async () => {
      const sut = routerOf({ ...TUNED_CONFIG, simple_keywords: ['howdy'] });
      expect((await sut.decide(askOf('Hello'))).dimensions[4].matched).toEqual([]);
      expect((await sut.decide(askOf('Howdy'))).dimensions[4].matched).toEqual(['howdy']);
    });

    it('scores the OpenCode request by its ask alone, leaving the 9.7 KB system prompt out', async () => {
      const { body, bytes } = capturedRequest('opencode-chat-request.json');
      const decision = await demoRouter('opencodego-router').decide({
        router: 'opencodego-router',
        body,
        requestBytes: bytes,
        session: null,
      });
      expect(decision).toMatchObject({
        tier: 'SIMPLE',
        model: 'opencode-deepseek-v4-flash',
        score: -0.2,
        cause: 'heuristic_scorer',
      });
    });

    it('with score_system_prompt, also scans the system prompt (the older behaviour)', async () => {
      const { body, bytes } = capturedRequest('opencode-chat-request.json');
      const sut = routerOf({ ...TUNED_CONFIG, score_system_prompt: true });
      const decision = await sut.decide({ router: 'r', body, requestBytes: bytes, session: null });
      expect(decision.dimensions[1].matched.length).toBeGreaterThanOrEqual(2);
      expect(decision.dimensions[2].matched).toEqual([]); // reasoning reads the ask only
      expect(decision.score).toBeGreaterThan(-0.2);
      expect(
        (await routerOf(TUNED_CONFIG).decide({ router: 'r', body, requestBytes: bytes, session: null }))
          .score,
      ).toBe(-0.2);
    });
  });

  describe('reasoning bypass', () => {
    // default config: "think carefully" + "step by step" = 1.0 × 0.25, 10 estimated tokens = −1 × 0.1
    const twoMarkers = 'Think carefully, step by step, about this';

    it('goes to REASONING with two markers and a score at the floor (the effective simple_medium)', async () => {
      const decision = await routerOf({ tiers: FOUR_TIERS }).decide(askOf(twoMarkers));
      expect(decision).toMatchObject({ score: 0.15, tier: 'REASONING', cause: 'reasoning_override' });
      expect(decision.notes).toEqual(['reasoning override: 2 reasoning markers and score 0.15 ≥ 0.15']);
    });

    it('follows the floor: reasoning_override_min_score, else the effective simple_medium', async () => {
      expect(
        await routerOf({ tiers: FOUR_TIERS, reasoning_override_min_score: 0.2 }).decide(askOf(twoMarkers)),
      ).toMatchObject({ tier: 'MEDIUM', cause: 'heuristic_scorer' });
      expect(
        await routerOf({ tiers: FOUR_TIERS, tier_boundaries: { simple_medium: 0.2 } }).decide(
          askOf(twoMarkers),
        ),
      ).toMatchObject({ tier: 'SIMPLE', cause: 'heuristic_scorer' });
      expect(
        await routerOf({ tiers: FOUR_TIERS, reasoning_override_min_score: -1 }).decide(
          askOf('Think carefully step by step. Hi'),
        ),
      ).toMatchObject({ tier: 'REASONING', cause: 'reasoning_override' });
    });

    it('needs two distinct markers', async () => {
      expect(
        await routerOf({ tiers: FOUR_TIERS }).decide(askOf('Think carefully. Think carefully about this!')),
      ).toMatchObject({ cause: 'heuristic_scorer' });
    });
  });

  describe('escalation', () => {
    it('moves the decided tier up one configured step, score unchanged', async () => {
      const decision = await routerOf(TUNED_CONFIG).decide(askOf(`${EXAMPLES.greeting} LITELLM ESCALATE`));
      expect(decision).toMatchObject({
        score: -0.2,
        tier: 'MEDIUM',
        model: 'medium-model',
        cause: 'heuristic_scorer',
      });
      expect(decision.notes).toEqual(['escalation keyword "LITELLM ESCALATE" moved SIMPLE → MEDIUM']);
    });

    it('is case-sensitive', async () => {
      expect((await routerOf(TUNED_CONFIG).decide(askOf(`${EXAMPLES.greeting} litellm escalate`))).tier).toBe(
        'SIMPLE',
      );
    });

    it('skips tiers that are not configured', async () => {
      const sut = routerOf({ ...TUNED_CONFIG, tiers: { SIMPLE: 's', COMPLEX: 'c' } });
      expect(await sut.decide(askOf('Hi LITELLM ESCALATE'))).toMatchObject({ tier: 'COMPLEX', model: 'c' });
    });

    it('stays at the highest configured tier', async () => {
      const decision = await routerOf(TUNED_CONFIG).decide(askOf(`${EXAMPLES.reasoning} LITELLM ESCALATE`));
      expect(decision.tier).toBe('REASONING');
      expect(decision.notes).toEqual([
        'escalation keyword "LITELLM ESCALATE": no configured tier above REASONING',
      ]);
    });

    it('reads only the newest user turn, and escalation_keywords replaces the default', async () => {
      const sut = routerOf(TUNED_CONFIG);
      expect(
        (await sut.decide(requestOf([user('LITELLM ESCALATE'), assistant('ok'), user('Hello')]))).tier,
      ).toBe('SIMPLE');
      const custom = routerOf({ ...TUNED_CONFIG, escalation_keywords: ['URGENT'] });
      expect((await custom.decide(askOf('Hello LITELLM ESCALATE'))).tier).toBe('SIMPLE');
      expect((await custom.decide(askOf('Hello URGENT'))).tier).toBe('MEDIUM');
    });
  });

  describe('housekeeping', () => {
    const titleAsk = (sentinel: string) => `${sentinel}. ${EXAMPLES.design}`;

    it.each([
      'You are coming up with a succinct title for a coding session',
      'Write the title in the predominant language of the session',
    ])('sends a user turn containing %j to the cheapest tier, unscored', async (sentinel) => {
      const decision = await routerOf(TUNED_CONFIG).decide(askOf(titleAsk(sentinel)));
      expect(decision).toMatchObject({
        tier: 'SIMPLE',
        model: 'simple-model',
        score: null,
        dimensions: [],
        cause: 'housekeeping',
      });
      expect(decision.complexity.cause).toBe('housekeeping');
      // the same ask without housekeeping is scored
      const scored = routerOf({ ...TUNED_CONFIG, route_housekeeping_to_cheapest_tier: false });
      expect(await scored.decide(askOf(titleAsk(sentinel)))).toMatchObject({
        tier: 'COMPLEX',
        cause: 'heuristic_scorer',
      });
    });

    it("routes OpenCode's title request through mistral-router to mistral-small-4", async () => {
      const { body, bytes } = capturedRequest('opencode-title-request.json');
      const decision = await demoRouter('mistral-router').decide({
        router: 'mistral-router',
        body,
        requestBytes: bytes,
        session: null,
      });
      expect(decision).toMatchObject({
        tier: 'SIMPLE',
        model: 'mistral-small-4',
        cause: 'housekeeping',
        score: null,
      });
      expect(decision.notes).toEqual([
        'housekeeping (system prompt starts with "You are a title generator"): cheapest configured tier SIMPLE, unscored',
      ]);
    });

    it('goes to the cheapest configured tier, whichever that is', async () => {
      const sut = routerOf({ tiers: { MEDIUM: 'm', REASONING: 'r' } });
      expect(
        await sut.decide(askOf(titleAsk('Write the title in the predominant language of the session'))),
      ).toMatchObject({
        tier: 'MEDIUM',
        model: 'm',
        cause: 'housekeeping',
      });
    });

    it('is case-sensitive, and the system pattern must start the system prompt', async () => {
      const sut = routerOf(TUNED_CONFIG);
      expect(
        (await sut.decide(askOf(titleAsk('write the title in the predominant language of the session'))))
          .cause,
      ).toBe('heuristic_scorer');
      expect(
        (
          await sut.decide(
            requestOf([{ role: 'system', content: 'Note: You are a title generator' }, user('Hello')]),
          )
        ).cause,
      ).toBe('heuristic_scorer');
      expect(
        (
          await sut.decide(
            requestOf([{ role: 'system', content: '\n You are a title generator.' }, user('Hello')]),
          )
        ).cause,
      ).toBe('housekeeping');
    });

    it('takes housekeeping_patterns instead of the defaults', async () => {
      const sut = routerOf({ ...TUNED_CONFIG, housekeeping_patterns: [{ user_contains: 'NAME THIS CHAT' }] });
      const { body, bytes } = capturedRequest('opencode-title-request.json');
      expect((await sut.decide({ router: 'r', body, requestBytes: bytes, session: null })).cause).toBe(
        'heuristic_scorer',
      );
      expect((await sut.decide(askOf(`NAME THIS CHAT: ${EXAMPLES.design}`))).cause).toBe('housekeeping');
    });

    it('is off with route_housekeeping_to_cheapest_tier: false', async () => {
      const sut = routerOf({ ...TUNED_CONFIG, route_housekeeping_to_cheapest_tier: false });
      const { body, bytes } = capturedRequest('opencode-title-request.json');
      expect((await sut.decide({ router: 'r', body, requestBytes: bytes, session: null })).cause).toBe(
        'heuristic_scorer',
      );
    });
  });

  describe('fallbacks', () => {
    const noAsk = () =>
      requestOf([
        { role: 'system', content: 'You are helpful.' },
        user([{ type: 'tool_result', tool_use_id: 't', content: 'x' }]),
      ]);

    it('sends a request without an ask to default_model, without a tier', async () => {
      const decision = await routerOf({ ...TUNED_CONFIG, default_model: 'fallback' }).decide(noAsk());
      expect(decision).toMatchObject({
        tier: null,
        model: 'fallback',
        score: null,
        cause: 'default_fallback',
      });
      expect(decision.complexity).toEqual({ tier: null, cause: 'default_fallback', model: 'fallback' });
    });

    it('sends a request without an ask to MEDIUM when there is no default_model', async () => {
      expect(await routerOf(TUNED_CONFIG).decide(noAsk())).toMatchObject({
        tier: 'MEDIUM',
        model: 'medium-model',
        cause: 'default_fallback',
      });
    });

    it('refuses a request without an ask when there is neither', async () => {
      const error = await errorOf(() => routerOf({ tiers: { SIMPLE: 's' } }).decide(noAsk()));
      expect(error.status).toBe(500);
      expect(error.message).toContain('router "test-router"');
    });

    it('refuses a request without messages (400)', async () => {
      const error = await errorOf(() => routerOf(TUNED_CONFIG).decide(requestOf([])));
      expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'messages' });
    });

    it('sends a decided tier without an entry to default_model', async () => {
      const sut = routerOf({ ...TUNED_CONFIG, tiers: { SIMPLE: 's', COMPLEX: 'c' }, default_model: 'd' });
      const decision = await sut.decide(askOf(EXAMPLES.refactor)); // MEDIUM
      expect(decision).toMatchObject({ tier: null, model: 'd', score: 0.1, cause: 'default_fallback' });
      expect(decision.notes).toEqual(['MEDIUM has no entry in tiers; using default_model d']);
    });

    it('sends a decided tier without an entry to MEDIUM, never to a neighbour', async () => {
      const sut = routerOf({ ...TUNED_CONFIG, tiers: { SIMPLE: 's', MEDIUM: 'm', REASONING: 'r' } });
      expect(await sut.decide(askOf(EXAMPLES.design))).toMatchObject({
        tier: 'MEDIUM',
        model: 'm',
        score: 0.25,
      });
    });

    it('refuses a decided tier with no entry, no default_model and no MEDIUM, naming router and tier', async () => {
      const sut = routerOf({ ...TUNED_CONFIG, tiers: { SIMPLE: 's', COMPLEX: 'c' } }, { name: 'two-tier' });
      const error = await errorOf(() => sut.decide(askOf(EXAMPLES.refactor)));
      expect(error).toMatchObject({ status: 500, code: 'router_tier_missing' });
      expect(error.message).toContain('router "two-tier" decided tier MEDIUM');
    });
    it("follows the reference with the demo's mistral-router: no MEDIUM, no default_model, so a MEDIUM ask is refused", async () => {
      const sut = demoRouter('mistral-router');
      expect((await sut.decide(askOf('Hello'))).model).toBe('mistral-small-4');
      // default weights: five code keywords × 0.3 = 0.3 → MEDIUM
      const error = await errorOf(() => sut.decide(askOf(EXAMPLES.refactor)));
      expect(error.message).toContain('router "mistral-router" decided tier MEDIUM');
    });
  });

  describe('pools', () => {
    const pooled = { ...TUNED_CONFIG, tiers: { ...FOUR_TIERS, SIMPLE: ['a', 'b', 'c'] } };

    it('asks the injected picker, with the pool and the session', async () => {
      const calls: unknown[] = [];
      const picker: ModelPicker = {
        pick: (models, context) => {
          calls.push({ models, context });
          return models[2];
        },
      };
      const decision = await routerOf(pooled, { picker }).decide(
        askOf('Hello', { session: { id: 's1', lastTier: null, lastModel: null } }),
      );
      expect(decision.model).toBe('c');
      expect(decision.complexity.model).toBe('c');
      expect(calls).toEqual([
        { models: ['a', 'b', 'c'], context: { router: 'test-router', tier: 'SIMPLE', sessionId: 's1' } },
      ]);
    });

    it('keeps one session on one model, across router instances', async () => {
      const session = { id: 'ses_deabfd3faffeD5jSpTLdikmrMh', lastTier: null, lastModel: null };
      const first = (await routerOf(pooled).decide(askOf('Hello', { session }))).model;
      const sut = routerOf(pooled);
      for (let round = 0; round < 5; round += 1)
        expect((await sut.decide(askOf('Hello', { session }))).model).toBe(first);
    });

    it('takes turns without a session', async () => {
      const sut = routerOf(pooled);
      const models: string[] = [];
      for (let round = 0; round < 4; round += 1) models.push((await sut.decide(askOf('Hello'))).model);
      expect(models).toEqual(['a', 'b', 'c', 'a']);
    });
  });

  describe('capacity', () => {
    const windows = {
      'simple-model': 1000,
      'medium-model': 2000,
      'complex-model': null,
      'reasoning-model': 100_000,
    };
    /** "Hello" after one assistant message of about `tokens` tokens. */
    const helloAfter = (tokens: number, extras: Parameters<typeof requestOf>[1] = {}) =>
      requestOf([user('Start'), assistant(' word'.repeat(tokens)), user('Hello')], extras);

    it('does not tokenize when the byte size already fits', async () => {
      const decision = await routerOf(TUNED_CONFIG, { windows }).decide(askOf('Hello'));
      expect(decision).toMatchObject({
        tier: 'SIMPLE',
        cause: 'heuristic_scorer',
        requestTokens: null,
        notes: [],
      });
    });

    it('tokenizes when the byte size might not fit, and stays when the tokens do', async () => {
      const request = askOf('Hello', { requestBytes: 50_000 });
      const decision = await routerOf(TUNED_CONFIG, { windows }).decide(request);
      expect(decision).toMatchObject({ tier: 'SIMPLE', cause: 'heuristic_scorer', notes: [] });
      expect(decision.requestTokens).toBe(await countRequestTokens(request.body));
    });

    it('moves up to the lowest tier that fits, as its own cause', async () => {
      const request = helloAfter(1500);
      const tokens = await countRequestTokens(request.body);
      const decision = await routerOf(TUNED_CONFIG, { windows }).decide(request);
      expect(decision).toMatchObject({
        tier: 'MEDIUM',
        model: 'medium-model',
        score: -0.2,
        cause: 'context_window',
        requestTokens: tokens,
      });
      expect(decision.complexity).toEqual({
        tier: 'SIMPLE',
        cause: 'heuristic_scorer',
        model: 'simple-model',
      });
      expect(decision.notes).toEqual([
        `context window: ${tokens} tokens do not fit simple-model (1000); moved to MEDIUM`,
      ]);
    });

    it('passes over a tier that does not fit either; an unknown window fits', async () => {
      const decision = await routerOf(TUNED_CONFIG, { windows }).decide(helloAfter(1950));
      expect(decision).toMatchObject({ tier: 'COMPLEX', model: 'complex-model', cause: 'context_window' });
    });

    it('lets a request use 95% of a window and no more', async () => {
      const request = helloAfter(900);
      const tokens = await countRequestTokens(request.body);
      const exact = Math.ceil(tokens / 0.95);
      const fits = await routerOf(TUNED_CONFIG, { windows: { ...windows, 'simple-model': exact } }).decide(
        request,
      );
      expect(fits).toMatchObject({ tier: 'SIMPLE', requestTokens: tokens });
      const short = await routerOf(TUNED_CONFIG, {
        windows: { ...windows, 'simple-model': exact - 1 },
      }).decide(request);
      expect(short).toMatchObject({ tier: 'MEDIUM', cause: 'context_window' });
    });

    it('never moves for an unknown window', async () => {
      const decision = await routerOf(TUNED_CONFIG, { windows: { ...windows, 'simple-model': null } }).decide(
        helloAfter(5000),
      );
      expect(decision).toMatchObject({ tier: 'SIMPLE', cause: 'heuristic_scorer', requestTokens: null });
    });

    it('uses only the models of a pool that fit', async () => {
      const seen: (readonly string[])[] = [];
      const picker: ModelPicker = {
        pick: (models) => {
          seen.push(models);
          return models[0];
        },
      };
      const sut = routerOf(
        { ...TUNED_CONFIG, tiers: { ...FOUR_TIERS, SIMPLE: ['small-window', 'large-window'] } },
        { windows: { 'small-window': 1000, 'large-window': 8000 }, picker },
      );
      const decision = await sut.decide(helloAfter(1500));
      expect(decision).toMatchObject({ tier: 'SIMPLE', model: 'large-window', cause: 'context_window' });
      expect(decision.complexity.model).toBe('small-window');
      expect(seen).toEqual([['small-window', 'large-window'], ['large-window']]);
    });

    it('never moves down, and refuses a request no tier at or above can take (400, context_length_exceeded)', async () => {
      const sut = routerOf(TUNED_CONFIG, {
        windows: {
          'simple-model': 1_000_000,
          'medium-model': 1000,
          'complex-model': 1200,
          'reasoning-model': 800,
        },
      });
      const request = requestOf([user('Start'), assistant(' word'.repeat(1500)), user(EXAMPLES.refactor)]);
      const tokens = await countRequestTokens(request.body);
      const error = await errorOf(() => sut.decide(request));
      expect(error).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
      });
      expect(error.message).toContain(`${tokens} tokens`);
      expect(error.message).toContain(
        'the largest context window at or above MEDIUM is 1200 tokens (complex-model)',
      );
    });

    it('moves default_model up from the tier that was decided', async () => {
      const sut = routerOf(
        { ...TUNED_CONFIG, tiers: { SIMPLE: 's', COMPLEX: 'c' }, default_model: 'd' },
        { windows: { s: 100_000, d: 1000, c: 100_000 } },
      );
      const request = requestOf([user('Start'), assistant(' word'.repeat(1500)), user(EXAMPLES.refactor)]);
      expect(await sut.decide(request)).toMatchObject({
        tier: 'COMPLEX',
        model: 'c',
        cause: 'context_window',
      });
    });

    it('reads each window once, when the router is built', async () => {
      const asked: string[] = [];
      const sut = new ComplexityRouter(
        { name: 'r', config: { tiers: { SIMPLE: 's', MEDIUM: ['m', 's'] }, default_model: 'd' } },
        {
          contextWindowOf: (model) => {
            asked.push(model);
            return 5;
          },
        },
      );
      expect(asked.sort()).toEqual(['d', 'm', 's']);
      await expect(sut.decide(askOf('Hello'))).rejects.toThrow(GatewayError);
      expect(asked).toHaveLength(3);
    });
  });

  describe('session affinity', () => {
    const session = { id: 'ses_1', lastTier: 'COMPLEX' as const, lastModel: 'complex-model' };

    it('is off by default', async () => {
      expect(await routerOf(TUNED_CONFIG).decide(askOf('ok, thanks', { session }))).toMatchObject({
        tier: 'SIMPLE',
        cause: 'heuristic_scorer',
      });
    });

    it('keeps the last model while the new ask does not score higher', async () => {
      const decision = await routerOf({ ...TUNED_CONFIG, session_affinity: true }).decide(
        askOf('ok, thanks', { session }),
      );
      expect(decision).toMatchObject({ tier: 'COMPLEX', model: 'complex-model', cause: 'session_affinity' });
      expect(decision.complexity).toEqual({
        tier: 'SIMPLE',
        cause: 'heuristic_scorer',
        model: 'simple-model',
      });
      expect(decision.notes).toEqual([
        'session affinity: the ask scored SIMPLE, not above COMPLEX; kept complex-model of session ses_1',
      ]);
    });

    it('keeps the very model of a pool, whatever the picker says', async () => {
      const sut = routerOf(
        { ...TUNED_CONFIG, session_affinity: true, tiers: { ...FOUR_TIERS, COMPLEX: ['c1', 'c2'] } },
        { picker: { pick: (models) => models[0] } },
      );
      const decision = await sut.decide(askOf(EXAMPLES.design, { session: { ...session, lastModel: 'c2' } }));
      expect(decision).toMatchObject({ tier: 'COMPLEX', model: 'c2', cause: 'session_affinity' });
    });

    it('lets a higher tier win', async () => {
      const sut = routerOf({ ...TUNED_CONFIG, session_affinity: true });
      const decision = await sut.decide(askOf(EXAMPLES.reasoning, { session }));
      expect(decision).toMatchObject({
        tier: 'REASONING',
        model: 'reasoning-model',
        cause: 'heuristic_scorer',
      });
    });

    it("ignores a last model that is not in this router's tiers", async () => {
      const sut = routerOf({ ...TUNED_CONFIG, session_affinity: true });
      const elsewhere = { id: 'ses_1', lastTier: 'COMPLEX' as const, lastModel: 'mistral-medium-3-5' };
      expect(await sut.decide(askOf('ok, thanks', { session: elsewhere }))).toMatchObject({ tier: 'SIMPLE' });
    });

    it('leaves housekeeping alone', async () => {
      const sut = routerOf({ ...TUNED_CONFIG, session_affinity: true });
      const decision = await sut.decide(
        askOf('You are coming up with a succinct title for a coding session', { session }),
      );
      expect(decision).toMatchObject({ tier: 'SIMPLE', cause: 'housekeeping' });
    });

    it('still checks capacity after affinity', async () => {
      const sut = routerOf(
        { ...TUNED_CONFIG, session_affinity: true },
        { windows: { 'medium-model': 1000, 'complex-model': 100_000 } },
      );
      const request = requestOf([user('Start'), assistant(' word'.repeat(1500)), user('ok, thanks')], {
        session: { id: 's', lastTier: 'MEDIUM', lastModel: 'medium-model' },
      });
      const decision = await sut.decide(request);
      expect(decision).toMatchObject({ tier: 'COMPLEX', model: 'complex-model', cause: 'context_window' });
      expect(decision.notes).toHaveLength(2);
      expect(decision.notes[1]).toMatch(/do not fit medium-model \(1000\); moved to COMPLEX$/);
    });
  });
});
