import { Registry } from 'prom-client';
import { parseGatewayConfig } from '@switchyard/config';
import { type AttemptOutcome, type ClassifyDecision, GatewayError } from '@switchyard/contracts';
import { IngressMetrics } from '@switchyard/telemetry';
import { AttemptFailure } from '../dispatch/attempt-failure';
import type { DeploymentCooldowns } from '../routing/deployment-cooldowns';
import type { ResolvedModel, ResolveModel } from '../routing/resolve-model';
import type { AdmittedCall, CallAdmission } from '../limits/call-admission';
import type { ChatCallContext } from '../http/chat-context';
import {
  type Candidate,
  FallbackPolicy,
  type FallbackCall,
  MAX_ATTEMPTS,
  MAX_REDISPATCHES,
  shouldTryNext,
} from './fallback-policy';
import type { RecordRefusal } from '../limits/record-refusal';

const configuration = parseGatewayConfig(
  `
model_list:
  - model_name: small
    litellm_params: { model: openai/small, api_key: test }
  - model_name: small
    litellm_params: { model: openai/small, api_key: test, api_base: https://second.example.com/v1 }
  - model_name: large
    litellm_params: { model: openai/large, api_key: test }
  - model_name: huge
    litellm_params: { model: openai/huge, api_key: test }
  - model_name: many
    litellm_params: { model: openai/many, api_key: test }
  - model_name: many
    litellm_params: { model: openai/many, api_key: test, api_base: https://2.example.com/v1 }
  - model_name: many
    litellm_params: { model: openai/many, api_key: test, api_base: https://3.example.com/v1 }
  - model_name: many
    litellm_params: { model: openai/many, api_key: test, api_base: https://4.example.com/v1 }
  - model_name: many
    litellm_params: { model: openai/many, api_key: test, api_base: https://5.example.com/v1 }
  - model_name: many
    litellm_params: { model: openai/many, api_key: test, api_base: https://6.example.com/v1 }
  - model_name: many
    litellm_params: { model: openai/many, api_key: test, api_base: https://7.example.com/v1 }
  - model_name: router
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config: { tiers: { SIMPLE: small, COMPLEX: huge } }
router_settings:
  fallbacks: [{ small: [large, small, huge] }, { router: [huge] }]
`,
  { source: 'test.yaml', environment: {} },
);

const outcome = { eventId: '6f1c2c54-4f7b-4a5e-9d55-0c5d8c1f5a11', costUsd: 0.00001 } as AttemptOutcome;

function resolvedAs(
  modelName: string,
  modelGroup = modelName,
  decision: ClassifyDecision | null = null,
): ResolvedModel {
  return { modelGroup, modelName, deployments: [...configuration.deploymentsFor(modelName)], decision };
}

const context = {
  callId: 'call-1',
  caller: { kind: 'master' },
  observation: {},
} as unknown as ChatCallContext;

const overloaded = () => new AttemptFailure(GatewayError.upstream(503, 'overloaded'), null);
const silent = () => new AttemptFailure(GatewayError.unavailable('silent', { code: 'responder_lost' }), null);

describe('shouldTryNext', () => {
  const fresh = { aborted: false, redispatches: 0 };

  it('never tries again once something reached the client', () => {
    expect(shouldTryNext(GatewayError.upstream(503, 'overloaded'), true, fresh)).toBe('stop');
  });

  it('never tries again once the client left', () => {
    expect(shouldTryNext(GatewayError.upstream(503, 'overloaded'), false, { ...fresh, aborted: true })).toBe(
      'stop',
    );
  });

  it.each(['responder_lost', 'no_responder'])(
    'dispatches to the same deployment again after a silent dispatcher (%s)',
    (code) => {
      expect(shouldTryNext(GatewayError.unavailable('silent', { code }), false, fresh)).toBe('redispatch');
    },
  );

  it(`moves on after ${MAX_REDISPATCHES} redispatches`, () => {
    const error = GatewayError.unavailable('silent', { code: 'responder_lost' });
    expect(shouldTryNext(error, false, { ...fresh, redispatches: MAX_REDISPATCHES })).toBe('next');
  });

  it.each([408, 409, 429, 500, 502, 503, 504, 529])('moves on to the next candidate after a %i', (status) => {
    expect(shouldTryNext(new GatewayError(status, 'api_error', 'failed'), false, fresh)).toBe('next');
  });

  it.each([400, 401, 403, 404, 413, 422])('ends the call after a %i', (status) => {
    expect(shouldTryNext(new GatewayError(status, 'invalid_request_error', 'failed'), false, fresh)).toBe(
      'stop',
    );
  });

  it('ends the call after an error marked not retryable, whatever its status', () => {
    const error = GatewayError.unavailable('cancel never confirmed', { retryable: false });
    expect(shouldTryNext(error, false, fresh)).toBe('stop');
  });
});

describe(FallbackPolicy.name, () => {
  let permitted: (model: string) => boolean;
  let coolingDown: Set<string>;
  let refusals: jest.Mock;
  let metrics: IngressMetrics;
  let settle: jest.Mock;
  let reserveAgain: jest.Mock;
  let sut: FallbackPolicy;

  beforeEach(() => {
    permitted = () => true;
    coolingDown = new Set();
    refusals = jest.fn();
    metrics = new IngressMetrics(new Registry());
    settle = jest.fn();
    reserveAgain = jest.fn(async () => true);
    const admission: CallAdmission = {
      authorize: () => undefined,
      permits: (_context, model) => permitted(model),
      admit: async () => ({ headers: {}, settle, reserveAgain }),
    };
    sut = new FallbackPolicy(
      configuration,
      { deploymentsOf: (name: string) => [...configuration.deploymentsFor(name)] } as unknown as ResolveModel,
      admission,
      { isCoolingDown: (id: string) => coolingDown.has(id) } as unknown as DeploymentCooldowns,
      metrics,
      { execute: refusals } as unknown as RecordRefusal,
    );
  });

  function callFor(resolved: ResolvedModel, signal = new AbortController().signal): FallbackCall {
    const admitted: AdmittedCall = { headers: {}, settle, reserveAgain };
    return {
      resolved,
      admitted,
      candidates: sut.candidatesFor(resolved, context),
      context,
      signal,
      stream: true,
      route: null,
    };
  }

  /** a fake dispatch: each attempt fails with the next of `failures`, then answers with its deployment. */
  function dispatchFailing(...failures: Error[]) {
    const tried: [string, number][] = [];
    const attempt = async (candidate: Candidate, attemptNumber: number) => {
      tried.push([candidate.deployment.id, attemptNumber]);
      const failure = failures.shift();
      if (failure) throw failure;
      return candidate.deployment.id;
    };
    return { tried, attempt };
  }

  const ids = (model: string) => configuration.deploymentsFor(model).map((deployment) => deployment.id);

  describe('candidatesFor', () => {
    it("lists the model's deployments, then its fallbacks' in order, without repeats", () => {
      const candidates = sut.candidatesFor(resolvedAs('small'), context);
      expect(candidates.map((candidate) => [candidate.modelName, candidate.deployment.id])).toEqual([
        ['small', ids('small')[0]],
        ['small', ids('small')[1]],
        ['large', ids('large')[0]],
        ['huge', ids('huge')[0]],
      ]);
    });

    it('leaves out the fallbacks the caller may not call', () => {
      permitted = (model) => model !== 'large';
      const candidates = sut.candidatesFor(resolvedAs('small'), context);
      expect(candidates.map((candidate) => candidate.modelName)).toEqual(['small', 'small', 'huge']);
    });

    it('lets a router the caller called stand for the models it routes to', () => {
      permitted = () => false;
      const decision = { router: 'router', tier: 'SIMPLE', model: 'small' } as unknown as ClassifyDecision;
      const candidates = sut.candidatesFor(resolvedAs('small', 'router', decision), context);
      expect(candidates.map((candidate) => candidate.modelName)).toEqual(['small', 'small', 'huge']);
    });
  });

  describe('firstAnswer', () => {
    it('answers with the first candidate that opens, and tries nothing more', async () => {
      const { tried, attempt } = dispatchFailing();
      await expect(sut.firstAnswer(callFor(resolvedAs('small')), attempt)).resolves.toMatchObject({
        attempt: 0,
        value: ids('small')[0],
      });
      expect(tried).toHaveLength(1);
      expect(settle).not.toHaveBeenCalled();
    });

    it('moves on after a retryable failure and counts the fallback', async () => {
      const { tried, attempt } = dispatchFailing(overloaded(), overloaded());
      await sut.firstAnswer(callFor(resolvedAs('small')), attempt);
      expect(tried).toEqual([
        [ids('small')[0], 0],
        [ids('small')[1], 1],
        [ids('large')[0], 2],
      ]);
      const counted = await metrics.fallbacks.get();
      expect(counted.values).toEqual([
        expect.objectContaining({ labels: { model_group: 'small', reason: 'upstream_error' }, value: 2 }),
      ]);
    });

    it('tries deployments that are cooling down last', async () => {
      coolingDown.add(ids('small')[0]);
      const { tried, attempt } = dispatchFailing(overloaded(), overloaded(), overloaded());
      await sut.firstAnswer(callFor(resolvedAs('small')), attempt);
      expect(tried.map(([id]) => id)).toEqual([
        ids('small')[1],
        ids('large')[0],
        ids('huge')[0],
        ids('small')[0],
      ]);
    });

    it(`tries at most ${MAX_ATTEMPTS} candidates`, async () => {
      const { tried, attempt } = dispatchFailing(...Array.from({ length: 10 }, overloaded));
      await expect(sut.firstAnswer(callFor(resolvedAs('many')), attempt)).rejects.toMatchObject({
        status: 503,
      });
      expect(tried).toHaveLength(MAX_ATTEMPTS);
    });

    it('reserves the silent attempt, then dispatches to the same deployment as a new attempt', async () => {
      const { tried, attempt } = dispatchFailing(silent(), silent(), silent());
      await sut.firstAnswer(callFor(resolvedAs('small')), attempt);
      expect(reserveAgain.mock.calls).toEqual([[0], [1]]);
      // two redispatches, then the silent deployment counts as failed
      expect(tried).toEqual([
        [ids('small')[0], 0],
        [ids('small')[0], 1],
        [ids('small')[0], 2],
        [ids('small')[1], 3],
      ]);
    });

    it.each([
      ['the budget cannot cover it', () => Promise.resolve(false)],
      ['the reservation fails', () => Promise.reject(new Error('redis is down'))],
    ])('gives up instead of dispatching again when %s', async (_case, reservation) => {
      reserveAgain.mockImplementation(reservation);
      const { tried, attempt } = dispatchFailing(silent());
      await expect(sut.firstAnswer(callFor(resolvedAs('small')), attempt)).rejects.toMatchObject({
        code: 'responder_lost',
      });
      expect(tried).toHaveLength(1);
      expect(settle.mock.calls).toEqual([[null]]);
    });

    it('tries nothing for a client that already left', async () => {
      const client = new AbortController();
      client.abort();
      const { tried, attempt } = dispatchFailing();
      await expect(
        sut.firstAnswer(callFor(resolvedAs('small'), client.signal), attempt),
      ).rejects.toMatchObject({
        status: 503,
      });
      expect(tried).toEqual([]);
      expect(settle.mock.calls).toEqual([[null]]);
    });

    it('records the refusal and settles with nothing when no candidate answered and none recorded usage', async () => {
      const { attempt } = dispatchFailing(...Array.from({ length: 4 }, overloaded));
      await expect(sut.firstAnswer(callFor(resolvedAs('small')), attempt)).rejects.toMatchObject({
        status: 503,
      });
      expect(refusals).toHaveBeenCalledTimes(1);
      expect(refusals).toHaveBeenCalledWith(
        expect.objectContaining({ modelGroup: 'small', model: 'small', deploymentId: ids('small')[0] }),
      );
      expect(settle.mock.calls).toEqual([[null]]);
    });

    it('records no refusal when an attempt recorded usage', async () => {
      const { attempt } = dispatchFailing(
        new AttemptFailure(GatewayError.upstream(503, 'overloaded'), outcome),
        ...Array.from({ length: 3 }, overloaded),
      );
      await expect(sut.firstAnswer(callFor(resolvedAs('small')), attempt)).rejects.toMatchObject({
        status: 503,
      });
      expect(refusals).not.toHaveBeenCalled();
      expect(settle.mock.calls).toEqual([[null]]);
    });

    it('ends at a failure that is not retryable, settling with its usage', async () => {
      const { tried, attempt } = dispatchFailing(
        new AttemptFailure(GatewayError.invalidRequest('bad', 'messages'), outcome),
      );
      await expect(sut.firstAnswer(callFor(resolvedAs('small')), attempt)).rejects.toMatchObject({
        status: 400,
      });
      expect(tried).toHaveLength(1);
      expect(refusals).not.toHaveBeenCalled();
      expect(settle.mock.calls).toEqual([[outcome]]);
    });

    it('takes a thrown GatewayError (a bus failure) as a failure without usage', async () => {
      const timeout = GatewayError.timeout('no reply within 120000 ms');
      const { tried, attempt } = dispatchFailing(timeout);
      await sut.firstAnswer(callFor(resolvedAs('small')), attempt);
      expect(tried).toHaveLength(2);
    });
  });
});
