import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { AgentSetupController } from './agent-setup.controller';
import { OpenCodeController } from './opencode.controller';

/** Config files and environment lines for clients of the gateway (OpenCode, Codex, Gemini CLI, Claude Code). */
@Module({
  imports: [AuthModule, InfrastructureModule],
  controllers: [OpenCodeController, AgentSetupController],
})
export class IntegrationsModule {}
