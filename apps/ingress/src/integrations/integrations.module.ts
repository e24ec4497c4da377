import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { OpenCodeController } from './opencode.controller';

/** Config files for clients of the gateway (OpenCode). */
@Module({ imports: [AuthModule, InfrastructureModule], controllers: [OpenCodeController] })
export class IntegrationsModule {}
