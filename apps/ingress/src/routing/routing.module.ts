import { Module } from '@nestjs/common';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { DeploymentCooldowns } from './deployment-cooldowns';
import { ResolveModel } from './resolve-model';
import { SessionRoutes } from './session-routes';

/** Which deployments answer a name: routers through the classifier, session affinity, cooldowns. */
@Module({
  imports: [InfrastructureModule],
  providers: [ResolveModel, DeploymentCooldowns, SessionRoutes],
  exports: [ResolveModel, DeploymentCooldowns],
})
export class RoutingModule {}
