import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '@switchyard/contracts';
import { requestContext } from '../http/request-context';
import { extractApiKey } from './extract-api-key';
import { MasterKey } from './master-key';

/** Model routes: the master key or a virtual key. The caller is stored on the request context. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(MasterKey) private readonly masterKey: MasterKey) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = extractApiKey(request);
    if (key === null) {
      throw GatewayError.unauthorized(
        'No API key provided. Send it as "Authorization: Bearer <key>" (or "x-api-key: <key>").',
      );
    }
    if (this.masterKey.matches(key)) {
      requestContext(request).caller = { kind: 'master' };
      return true;
    }
    throw GatewayError.unauthorized('Invalid API key.');
  }
}

/** Admin routes: the master key only. */
@Injectable()
export class MasterKeyGuard implements CanActivate {
  constructor(@Inject(MasterKey) private readonly masterKey: MasterKey) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = extractApiKey(request);
    if (key === null)
      throw GatewayError.unauthorized(
        'This route needs the master key: "Authorization: Bearer <master key>".',
      );
    if (!this.masterKey.matches(key)) {
      throw new GatewayError(403, 'permission_error', 'This route needs the master key.', {
        code: 'master_key_required',
      });
    }
    requestContext(request).caller = { kind: 'master' };
    return true;
  }
}
