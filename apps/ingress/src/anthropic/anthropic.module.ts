import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { LimitsModule } from '../limits/limits.module';
import { RoutingModule } from '../routing/routing.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { CompletionModule } from '../completion/completion.module';
import { CountMessageTokens } from './count-message-tokens';
import { MessagesController } from './messages.controller';

/** The Anthropic-compatible surface: the Messages API and its token counting. */
@Module({
  imports: [AuthModule, InfrastructureModule, RoutingModule, LimitsModule, CompletionModule],
  controllers: [MessagesController],
  providers: [CountMessageTokens],
})
export class AnthropicModule {}
