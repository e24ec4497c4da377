import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseGatewayConfig } from '@switchyard/config';
import { ProbeDeployment } from './probe-deployment';
import { ServedDeployments } from './served-deployments';
import { UpstreamClient } from './upstream-client';

const KEY = 'sk-upstream-secret-0123456789';

/** A stand-in upstream: knows one model per wire format and checks the key the way each provider sends it. */
function startUpstream(seen: IncomingMessage[]): Promise<Server> {
  const server = createServer((request, response) => {
    seen.push(request);
    const url = request.url ?? '';
    const key =
      request.headers.authorization?.replace(/^Bearer /, '') ??
      request.headers['x-api-key'] ??
      request.headers['x-goog-api-key'];
    if (key !== KEY) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }),
      );
      return;
    }
    const known = [
      '/v1/models/gpt-5.4-mini',
      '/v1/models/claude-sonnet-4-6',
      '/v1beta/models/gemini-3.5-flash',
      '/v1/models/mistral-small-2603',
      '/go/v1/models',
    ];
    if (request.method === 'GET' && known.includes(url)) {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"ok"}');
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        error: { message: `The model ${url} does not exist`, type: 'invalid_request_error' },
      }),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function configuration(base: string, key: string) {
  const yaml = `
model_list:
  - model_name: gpt-5.4-mini
    litellm_params: { model: openai/gpt-5.4-mini, api_key: ${key}, api_base: ${base}/v1 }
    model_info: { id: openai-mini }
  - model_name: gpt-missing
    litellm_params: { model: openai/gpt-missing, api_key: ${key}, api_base: ${base}/v1 }
    model_info: { id: openai-missing }
  - model_name: claude-sonnet-4-6
    litellm_params: { model: anthropic/claude-sonnet-4-6, api_key: ${key}, api_base: ${base} }
    model_info: { id: anthropic-sonnet }
  - model_name: gemini-3.5-flash
    litellm_params: { model: gemini/gemini-3.5-flash, api_key: ${key}, api_base: ${base} }
    model_info: { id: gemini-flash }
  - model_name: mistral-small-4
    litellm_params: { model: mistral/mistral-small-2603, api_key: ${key}, api_base: ${base}/v1 }
    model_info: { id: mistral-small }
  - model_name: opencode-kimi-k2-6
    litellm_params: { model: opencodego/kimi-k2.6, api_key: ${key}, api_base: ${base}/go/v1 }
    model_info: { id: opencodego-kimi }
`;
  return parseGatewayConfig(yaml, {
    source: 'probe-test.yaml',
    providersText: JSON.stringify({
      opencodego: { base_url: 'https://opencode.invalid/v1', api_key_env: 'OPENCODE_GO_API_KEY' },
    }),
    environment: {},
  });
}

describe(ProbeDeployment.name, () => {
  let upstreamServer: Server;
  let base: string;
  let upstream: UpstreamClient;
  const seen: IncomingMessage[] = [];

  beforeAll(async () => {
    upstreamServer = await startUpstream(seen);
    base = `http://127.0.0.1:${(upstreamServer.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    seen.length = 0;
    upstream = new UpstreamClient(4);
  });

  afterEach(async () => {
    await upstream.close();
  });

  afterAll(async () => {
    await new Promise((resolve) => upstreamServer.close(resolve));
  });

  function probesWith(key: string): ProbeDeployment {
    const config = configuration(base, key);
    return new ProbeDeployment(
      new ServedDeployments(config.providersInUse(), config),
      upstream,
      'dispatcher-1',
    );
  }

  it.each([
    ['openai-mini', 'GET /v1/models/gpt-5.4-mini'],
    ['anthropic-sonnet', 'GET /v1/models/claude-sonnet-4-6'],
    ['gemini-flash', 'GET /v1beta/models/gemini-3.5-flash'],
    ['mistral-small', 'GET /v1/models/mistral-small-2603'],
    ['opencodego-kimi', 'GET /go/v1/models'],
  ])('reports %s healthy after %s, a call that costs nothing', async (deploymentId, probe) => {
    const sut = probesWith(KEY);

    const reply = await sut.execute({ requestId: 'r1', deploymentId });

    expect(reply).toMatchObject({ status: 'healthy', deploymentId, probe, dispatcherId: 'dispatcher-1' });
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([probe]);
  });

  it('reports a model the provider does not know as unhealthy with its 404 reason', async () => {
    const sut = probesWith(KEY);

    const reply = await sut.execute({ requestId: 'r2', deploymentId: 'openai-missing' });

    expect(reply.status).toBe('unhealthy');
    if (reply.status !== 'unhealthy') return;
    expect(reply.error.status).toBe(404);
    expect(reply.error.message).toContain('does not exist');
    expect(reply.probe).toBe('GET /v1/models/gpt-missing');
  });

  it('reports a rejected key as unhealthy without repeating the key', async () => {
    const wrongKey = 'sk-wrong-key-that-must-not-leak-42';
    const sut = probesWith(wrongKey);

    const reply = await sut.execute({ requestId: 'r3', deploymentId: 'anthropic-sonnet' });

    expect(reply.status).toBe('unhealthy');
    if (reply.status !== 'unhealthy') return;
    expect(reply.error.status).toBe(401);
    expect(reply.error.provider).toBe('anthropic');
    expect(JSON.stringify(reply)).not.toContain(wrongKey);
  });

  it('reports an upstream that does not answer as unhealthy with a connection error', async () => {
    const config = configuration('http://127.0.0.1:1', KEY);
    const sut = new ProbeDeployment(new ServedDeployments(['mistral'], config), upstream, 'dispatcher-1');

    const reply = await sut.execute({ requestId: 'r4', deploymentId: 'mistral-small' });

    expect(reply).toMatchObject({
      status: 'unhealthy',
      error: { code: 'upstream_connection_error', provider: 'mistral' },
    });
  });

  it('answers a deployment it does not serve with a typed error', async () => {
    const sut = probesWith(KEY);

    const reply = await sut.execute({ requestId: 'r5', deploymentId: 'nope' });

    expect(reply).toMatchObject({ status: 'unhealthy', probe: null, error: { code: 'unknown_deployment' } });
    expect(seen).toHaveLength(0);
  });
});
