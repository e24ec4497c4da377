import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OpenCodeController } from './opencode.controller';

/** Config files for clients of the gateway (OpenCode). */
@Module({ imports: [AuthModule], controllers: [OpenCodeController] })
export class IntegrationsModule {}
