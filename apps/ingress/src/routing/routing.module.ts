import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CompletionModule } from '../completion/completion.module';
import { RouteExplainController } from './route-explain.controller';

@Module({ imports: [AuthModule, CompletionModule], controllers: [RouteExplainController] })
export class RoutingModule {}
