import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '@switchyard/contracts';
import { requestContext } from '../http/request-context';
import { extractApiKey } from './extract-api-key';
import { MasterKey } from './master-key';
import { VirtualKeys } from './virtual-keys';

/**
 * Model routes: the master key or a virtual key (unknown, blocked or expired: 401). The caller is
 * stored on the request context, with the key's record for scope, budget and rate limits.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(MasterKey) private readonly masterKey: MasterKey,
    /** AuthModule always provides it; a test module without it accepts the master key alone. */
    @Optional() @Inject(VirtualKeys) private readonly virtualKeys: VirtualKeys | null = null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
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
    if (this.virtualKeys === null) throw GatewayError.unauthorized('Invalid API key.');
    const record = await this.virtualKeys.authenticate(key);
    requestContext(request).caller = {
      kind: 'virtual',
      keyId: record.key_id,
      keyHash: record.token,
      models: record.models,
      key: record,
    };
    return true;
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
