import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '@switchyard/contracts';
import { ApiKeyGuard } from './api-key.guard';

/**
 * The key routes (`/key/*`): the master key, or the key of a team admin (an internal user with
 * role `admin` in a team), who may manage that team's keys only (`ManageVirtualKeys` checks each
 * key's team). Any other key gets 403.
 */
@Injectable()
export class KeyAdminGuard implements CanActivate {
  constructor(@Inject(ApiKeyGuard) private readonly apiKeyGuard: ApiKeyGuard) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const caller = await this.apiKeyGuard.authenticate(context.switchToHttp().getRequest<FastifyRequest>());
    if (caller.kind === 'master') return true;
    if ((caller.grants?.adminOfTeams.length ?? 0) > 0) return true;
    throw new GatewayError(
      403,
      'permission_error',
      "This route needs the master key or a team admin's key.",
      {
        code: 'master_key_required',
      },
    );
  }
}
