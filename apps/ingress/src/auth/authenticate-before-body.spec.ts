import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Body, Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { IngressEnvironment } from '@switchyard/config';
import { GatewayError, NO_GRANTS, type VirtualKey } from '@switchyard/contracts';
import { AnthropicExceptionFilter } from '../anthropic/anthropic-exception.filter';
import { MAX_JSON_DEPTH, registerJsonBodyParser } from '../http/json-body-parser';
import { INGRESS_ENVIRONMENT } from '../infrastructure/tokens';
import { OpenAIExceptionFilter } from '../surfaces/openai-exception.filter';
import { ApiKeyGuard } from './api-key.guard';
import { authenticateBeforeBody } from './authenticate-before-body';
import { FailedAuthenticationThrottle } from './failed-authentication-throttle';
import { MasterKey } from './master-key';
import { type AuthenticatedKey, VirtualKeys } from './virtual-keys';

const MASTER = 'sk-test-master-key';
const VIRTUAL = 'sk-a-virtual-key';
const LIMIT_BYTES = 1024 * 1024;
const FAILURES_PER_MINUTE = 3;

@Controller()
@UseGuards(ApiKeyGuard)
class OpenAIEchoController {
  @Post('v1/chat/completions')
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return { received: body };
  }
}

@Controller()
@UseGuards(ApiKeyGuard)
@UseFilters(AnthropicExceptionFilter)
class AnthropicEchoController {
  @Post('v1/messages')
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return { received: body };
  }
}

/** Stands in for the ledger's key lookup: one virtual key exists. */
class FakeVirtualKeys {
  lookups = 0;
  isKnown(): boolean {
    return false;
  }
  async authenticate(key: string): Promise<VirtualKey> {
    this.lookups += 1;
    if (key !== VIRTUAL) throw GatewayError.unauthorized('Invalid API key.');
    return { key_id: 'key-1', token: 'hash', models: [] } as unknown as VirtualKey;
  }
  async authenticateWithGrants(key: string): Promise<AuthenticatedKey> {
    return { key: await this.authenticate(key), grants: NO_GRANTS };
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

describe(authenticateBeforeBody.name, () => {
  let app: NestFastifyApplication;
  let port: number;
  let virtualKeys: FakeVirtualKeys;

  beforeEach(async () => {
    virtualKeys = new FakeVirtualKeys();
    const environment = { MAX_REQUEST_BODY_MB: 1, AUTH_FAILURES_PER_MINUTE: FAILURES_PER_MINUTE };
    const moduleRef = await Test.createTestingModule({
      controllers: [OpenAIEchoController, AnthropicEchoController],
      providers: [
        { provide: MasterKey, useValue: new MasterKey(MASTER) },
        { provide: VirtualKeys, useValue: virtualKeys },
        { provide: INGRESS_ENVIRONMENT, useValue: environment },
        FailedAuthenticationThrottle,
        ApiKeyGuard,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      bodyParser: false,
      logger: false,
    });
    const fastify = app.getHttpAdapter().getInstance();
    registerJsonBodyParser(fastify, LIMIT_BYTES, 1);
    authenticateBeforeBody(fastify, app.get(ApiKeyGuard));
    app.useGlobalFilters(new OpenAIExceptionFilter(environment as IngressEnvironment));
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });

  afterEach(async () => {
    await app.close();
  });

  /**
   * Sends the headers and `sent` bytes of a body that declares (or, chunked, would go on to)
   * `declared` bytes, and never the rest: an answer can only come from headers and what was sent.
   */
  function send(
    path: string,
    headers: Record<string, string>,
    sent: Buffer,
    declared: number | 'chunked',
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...headers,
            ...(declared === 'chunked' ? {} : { 'content-length': String(declared) }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            request.destroy();
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: response.statusCode!, headers: response.headers, body: JSON.parse(text) });
          });
        },
      );
      request.on('error', reject);
      request.write(sent);
    });
  }

  const opening = Buffer.from(`{"model":"m","messages":[{"role":"user","content":"${'x'.repeat(1000)}`);

  it('answers a keyless request with 401 in the OpenAI envelope before reading its body', async () => {
    const answer = await send('/v1/chat/completions', {}, opening, 10 * 1024 * 1024);

    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      error: expect.objectContaining({ type: 'authentication_error', code: 'invalid_api_key' }),
    });
    expect(answer.headers.connection).toBe('close');
  });

  it('answers a wrong key with 401 in the Anthropic envelope before reading its body', async () => {
    const answer = await send('/v1/messages', { 'x-api-key': 'sk-wrong' }, opening, 10 * 1024 * 1024);

    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'Invalid API key.' },
    });
  });

  it('answers an authenticated body whose Content-Length is over the limit with 413 before reading it', async () => {
    const answer = await send('/v1/messages', { 'x-api-key': VIRTUAL }, opening, LIMIT_BYTES + 1);

    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({
      type: 'error',
      error: {
        type: 'request_too_large',
        message: expect.stringContaining('larger than the gateway accepts'),
      },
    });
  });

  it('stops reading a chunked body once it passes the limit and answers 413', async () => {
    const past = Buffer.concat([opening, Buffer.alloc(LIMIT_BYTES, 'x')]);

    const answer = await send('/v1/chat/completions', { authorization: `Bearer ${MASTER}` }, past, 'chunked');

    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ error: expect.objectContaining({ code: 'request_too_large' }) });
    expect(answer.headers.connection).toBe('close');
  });

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels with 400 in the surface's envelope, as it arrives`, async () => {
    const nested = Buffer.from(`{"model":"m","messages":${'['.repeat(MAX_JSON_DEPTH + 10)}`);

    const openAI = await send(
      '/v1/chat/completions',
      { authorization: `Bearer ${MASTER}` },
      nested,
      LIMIT_BYTES,
    );
    const anthropic = await send('/v1/messages', { 'x-api-key': MASTER }, nested, LIMIT_BYTES);

    expect(openAI.status).toBe(400);
    expect(openAI.body).toEqual({
      error: expect.objectContaining({ type: 'invalid_request_error', code: 'json_too_deep' }),
    });
    expect(anthropic.status).toBe(400);
    expect(anthropic.body).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('levels deep') },
    });
  });

  it('accepts nesting up to the limit, and brackets inside strings do not count', async () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}`;
    const body = Buffer.from(`{"tools":${deep},"text":"${'['.repeat(500)} \\" ["}`);

    const answer = await send(
      '/v1/chat/completions',
      { authorization: `Bearer ${MASTER}` },
      body,
      body.length,
    );

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: JSON.parse(body.toString('utf8')) });
  });

  it('keeps the connection open once the body was read', async () => {
    const body = Buffer.from('{"ok":true}');
    const accepted = await send(
      '/v1/chat/completions',
      { authorization: `Bearer ${MASTER}` },
      body,
      body.length,
    );

    expect(accepted.status).toBe(200);
    expect(accepted.headers.connection).toBe('keep-alive');
  });

  it('throttles wrong keys per address with 429 in the envelope, without looking them up', async () => {
    for (let attempt = 0; attempt < FAILURES_PER_MINUTE; attempt += 1) {
      const refused = await send('/v1/chat/completions', { authorization: 'Bearer sk-guess' }, opening, 2000);
      expect(refused.status).toBe(401);
    }
    const lookups = virtualKeys.lookups;

    const throttled = await send('/v1/chat/completions', { authorization: 'Bearer sk-guess' }, opening, 2000);
    const anthropic = await send('/v1/messages', { 'x-api-key': 'sk-guess' }, opening, 2000);
    const master = await send(
      '/v1/chat/completions',
      { authorization: `Bearer ${MASTER}` },
      Buffer.from('{"ok":true}'),
      11,
    );

    expect(throttled.status).toBe(429);
    expect(throttled.body).toEqual({
      error: expect.objectContaining({ type: 'rate_limit_error', code: 'too_many_failed_authentications' }),
    });
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(anthropic.status).toBe(429);
    expect(anthropic.body).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.stringContaining('invalid API key') },
    });
    expect(virtualKeys.lookups).toBe(lookups);
    expect(master.status).toBe(200);
  });
});
