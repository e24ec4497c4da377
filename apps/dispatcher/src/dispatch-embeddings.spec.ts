import { parseGatewayConfig } from '@switchyard/config';
import type { DispatchEmbedRequest } from '@switchyard/contracts';
import { DispatchEmbeddings } from './dispatch-embeddings';
import type { RecordAttempt } from './record-attempt';
import { ServedDeployments } from './served-deployments';
import type { UpstreamClient } from './upstream-client';

const request: DispatchEmbedRequest = {
  requestId: 'embed-1',
  attempt: 0,
  deploymentId: 'claude',
  body: { model: 'claude', input: 'hello' },
  accounting: {
    endpoint: 'embeddings',
    modelGroup: 'claude',
    route: null,
    keyId: null,
    sessionId: null,
    user: null,
    metadata: null,
  },
};

describe(DispatchEmbeddings.name, () => {
  it('answers 400 naming a provider that has no embeddings, without calling it or recording an attempt', async () => {
    const configuration = parseGatewayConfig(
      `
model_list:
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-6, api_key: sk-ant-upstream }
    model_info: { id: claude }
`,
      { source: 'embeddings-test.yaml', environment: {} },
    );
    const calls: string[] = [];
    const upstream = { send: () => calls.push('upstream') } as unknown as UpstreamClient;
    const recordAttempt = { execute: () => calls.push('record') } as unknown as RecordAttempt;
    const sut = new DispatchEmbeddings(
      new ServedDeployments(['anthropic'], configuration),
      upstream,
      recordAttempt,
    );

    const reply = await sut.execute(request, new AbortController().signal);

    expect(reply).toEqual({
      type: 'error',
      error: expect.objectContaining({
        status: 400,
        code: 'unsupported_parameter',
        param: 'model',
        provider: 'anthropic',
        retryable: false,
        message: 'anthropic: the provider has no embeddings API',
      }),
      outcome: null,
    });
    expect(calls).toEqual([]);
  });
});
