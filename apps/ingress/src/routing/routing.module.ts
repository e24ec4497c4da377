import { Module } from '@nestjs/common';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { DeploymentCooldowns } from './deployment-cooldowns';
import { ResolveModel } from './resolve-model';
import { RoutingLog } from './routing-log';
import { SessionRoutes } from './session-routes';

/** Which deployments answer a name: routers through the classifier, session affinity, cooldowns. */
@Module({
  imports: [InfrastructureModule],
  providers: [ResolveModel, DeploymentCooldowns, SessionRoutes, RoutingLog],
  exports: [ResolveModel, DeploymentCooldowns, RoutingLog],
})
export class RoutingModule {}
