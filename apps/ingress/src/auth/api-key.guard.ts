import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '@switchyard/contracts';
import { type Caller, requestContext } from '../http/request-context';
import { extractApiKey } from './extract-api-key';
import { FailedAuthenticationThrottle } from './failed-authentication-throttle';
import { MasterKey } from './master-key';
import { type AuthenticatedKey, VirtualKeys } from './virtual-keys';

/**
 * Model routes: the master key or a virtual key (unknown, blocked or expired: 401). The caller is
 * stored on the request context, with the key's record for scope, budget and rate limits. Requests
 * with a body are authenticated before it is read (`authenticateBeforeBody`); the guard then finds
 * the caller already there.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(MasterKey) private readonly masterKey: MasterKey,
    /** AuthModule always provides it; a test module without it accepts the master key alone. */
    @Optional() @Inject(VirtualKeys) private readonly virtualKeys: VirtualKeys | null = null,
    @Optional()
    @Inject(FailedAuthenticationThrottle)
    private readonly throttle: FailedAuthenticationThrottle | null = null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.authenticate(context.switchToHttp().getRequest<FastifyRequest>());
    return true;
  }

  /** The request's caller (401 without a valid key, 429 after too many wrong keys from its address). */
  async authenticate(request: FastifyRequest): Promise<Caller> {
    const context = requestContext(request);
    if (context.caller !== null) return context.caller;
    const key = extractApiKey(request);
    if (key === null) {
      throw GatewayError.unauthorized(
        'No API key provided. Send it as "Authorization: Bearer <key>" (or "x-api-key: <key>").',
      );
    }
    if (this.masterKey.matches(key)) {
      context.caller = { kind: 'master' };
      return context.caller;
    }
    if (this.virtualKeys === null) throw GatewayError.unauthorized('Invalid API key.');
    // a key this replica already knows passes even when its address is throttled
    if (!this.virtualKeys.isKnown(key)) this.throttle?.check(request.ip);
    let authenticated: AuthenticatedKey;
    try {
      authenticated = await this.virtualKeys.authenticateWithGrants(key);
    } catch (error) {
      if (error instanceof GatewayError && error.status === 401) this.throttle?.recordFailure(request.ip);
      throw error;
    }
    const record = authenticated.key;
    context.caller = {
      kind: 'virtual',
      keyId: record.key_id,
      keyHash: record.token,
      models: record.models,
      key: record,
      grants: authenticated.grants,
    };
    return context.caller;
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
