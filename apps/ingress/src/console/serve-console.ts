import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CONSOLE_CONTENT_SECURITY_POLICY, CONSOLE_ROOT, readConsoleFile } from './console-files';

/**
 * Serves the built console at `/ui` as static files, on plain Fastify routes (no guard: the page
 * holds no data; every call it makes carries the key the person signed in with). Nothing here
 * runs for model routes.
 */
@Injectable()
export class ServeConsole implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const handler = (request: FastifyRequest, reply: FastifyReply) => this.serve(request, reply);
    fastify.get('/ui', (_request, reply) => reply.redirect('/ui/', 308));
    fastify.get('/ui/', handler);
    fastify.get('/ui/*', handler);
  }

  private async serve(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const path = request.url.slice('/ui/'.length);
    const file = await readConsoleFile(CONSOLE_ROOT, path);
    void reply
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', CONSOLE_CONTENT_SECURITY_POLICY);
    if (file === null) {
      return reply
        .status(404)
        .type('text/plain; charset=utf-8')
        .send('Not found. (Is the console built? `npm run build` builds it to dist/console.)');
    }
    return reply
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .type(file.contentType)
      .send(file.body);
  }
}
