import { Inject, Injectable, Optional } from '@nestjs/common';
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import { GatewayError } from '@switchyard/contracts';
import type { UpstreamHttpRequest } from '@switchyard/providers';
import { UPSTREAM_CONNECTIONS_PER_ORIGIN } from './tokens';

export interface UpstreamTimeouts {
  connectTimeoutMs: number;
  /** until the response headers arrive. */
  firstByteTimeoutMs: number;
  /** between two pieces of the body (stream chunks). */
  idleTimeoutMs: number;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  body: Dispatcher.ResponseData['body'];
}

/**
 * The dispatcher's only HTTP client: one keep-alive pool per upstream origin (undici), with
 * connect, first-byte and between-chunk timeouts and cancellation. Failures come back as
 * `GatewayError`s naming the provider, never the URL's credentials or the key.
 */
@Injectable()
export class UpstreamClient {
  private readonly pools = new Map<string, Pool>();

  constructor(
    @Optional()
    @Inject(UPSTREAM_CONNECTIONS_PER_ORIGIN)
    private readonly connectionsPerOrigin: number = 256,
  ) {}

  async send(
    request: UpstreamHttpRequest,
    provider: string,
    timeouts: UpstreamTimeouts,
    signal: AbortSignal,
  ): Promise<UpstreamResponse> {
    const url = new URL(request.url);
    const pool = this.poolFor(url.origin, timeouts.connectTimeoutMs);
    try {
      const response = await pool.request({
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers,
        body: request.method === 'GET' ? undefined : request.body,
        signal,
        headersTimeout: timeouts.firstByteTimeoutMs,
        bodyTimeout: timeouts.idleTimeoutMs,
      });
      return { status: response.statusCode, headers: flattenHeaders(response.headers), body: response.body };
    } catch (error) {
      throw upstreamFailure(error, provider, signal);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }

  private poolFor(origin: string, connectTimeoutMs: number): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.connectionsPerOrigin,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        connect: { timeout: connectTimeoutMs },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

export function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Maps a transport failure (timeout, reset, refused, abort) to a `GatewayError`. */
export function upstreamFailure(error: unknown, provider: string, signal?: AbortSignal): GatewayError {
  if (error instanceof GatewayError) return error;
  if (signal?.aborted) {
    return new GatewayError(499, 'api_error', 'the client closed the request', {
      code: 'client_closed_request',
      retryable: false,
      provider,
    });
  }
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return GatewayError.timeout(`${provider} did not answer in time (${error.message})`, { provider });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return GatewayError.timeout(`could not connect to ${provider} in time`, {
      code: 'upstream_connect_timeout',
      provider,
    });
  }
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  return GatewayError.upstream(502, `connection to ${provider} failed: ${code || message}`, {
    code: 'upstream_connection_error',
    provider,
    retryable: true,
  });
}
