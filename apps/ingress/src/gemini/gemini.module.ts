import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CompletionModule } from '../completion/completion.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { LimitsModule } from '../limits/limits.module';
import { RoutingModule } from '../routing/routing.module';
import { CountGeminiTokens } from './count-gemini-tokens';
import { GeminiController } from './gemini.controller';
import { GeminiModels } from './gemini-models';

/** The Gemini-compatible surface: generateContent, streamGenerateContent, countTokens and the model list. */
@Module({
  imports: [AuthModule, InfrastructureModule, RoutingModule, LimitsModule, CompletionModule],
  controllers: [GeminiController],
  providers: [CountGeminiTokens, GeminiModels],
})
export class GeminiModule {}
