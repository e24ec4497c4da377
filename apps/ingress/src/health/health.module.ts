import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { CheckReadiness } from './check-readiness';
import { DeploymentHealth } from './deployment-health';
import { HealthController } from './health.controller';
import { ProbeClient } from './probe-client';

@Module({
  imports: [AuthModule, InfrastructureModule],
  controllers: [HealthController],
  providers: [CheckReadiness, ProbeClient, DeploymentHealth],
})
export class HealthModule {}
