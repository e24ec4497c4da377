import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { LimitsModule } from '../limits/limits.module';
import { RoutingModule } from '../routing/routing.module';
import { RouteExplainController } from './route-explain.controller';

/**
 * `POST /v1/route/explain`: a router's decision for a chat body, admitted against the key's limits,
 * without calling a model. Above routing and limits, which it composes, so neither imports it.
 */
@Module({
  imports: [AuthModule, InfrastructureModule, RoutingModule, LimitsModule],
  controllers: [RouteExplainController],
})
export class RouteExplainModule {}
