import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { LimitsModule } from '../limits/limits.module';
import { DeploymentCooldowns } from './deployment-cooldowns';
import { ResolveModel } from './resolve-model';
import { RouteExplainController } from './route-explain.controller';
import { SessionRoutes } from './session-routes';

/** Which deployments answer a name: routers through the classifier, session affinity, cooldowns. */
@Module({
  imports: [InfrastructureModule, AuthModule, LimitsModule],
  controllers: [RouteExplainController],
  providers: [ResolveModel, DeploymentCooldowns, SessionRoutes],
  exports: [ResolveModel, DeploymentCooldowns],
})
export class RoutingModule {}
