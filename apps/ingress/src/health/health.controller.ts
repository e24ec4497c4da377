import { Controller, Get, Inject, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MasterKeyGuard } from '../auth/api-key.guard';
import { CheckReadiness, type ReadinessResult } from './check-readiness';
import { DeploymentHealth } from './deployment-health';
import type { HealthReport } from './health-report';

/**
 * `/health/liveness` (and LiteLLM's spelling `/health/liveliness`): the process answers (no
 * dependency is checked).
 * `/health/readiness`: NATS, Redis and the ledger answer; 503 naming the ones that do not.
 * `/health` (master key, like LiteLLM's authenticated `/health`): every deployment's last probe,
 * and routers derived from their tiers.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(CheckReadiness) private readonly checkReadiness: CheckReadiness,
    @Inject(DeploymentHealth) private readonly deploymentHealth: DeploymentHealth,
  ) {}

  @Get(['liveness', 'liveliness'])
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readiness')
  async readiness(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessResult> {
    const result = await this.checkReadiness.execute();
    if (result.status !== 'ok') void reply.status(503);
    return result;
  }

  @Get()
  @UseGuards(MasterKeyGuard)
  async health(): Promise<HealthReport> {
    return this.deploymentHealth.report();
  }
}
