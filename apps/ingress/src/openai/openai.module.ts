import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { CompletionModule } from '../completion/completion.module';
import { ChatCompletionsController } from './chat-completions.controller';
import { EmbeddingsController } from './embeddings.controller';
import { ModelInfoController } from './model-info.controller';
import { ModelsController } from './models.controller';

/** The OpenAI-compatible surface. */
@Module({
  imports: [AuthModule, InfrastructureModule, CompletionModule],
  controllers: [ChatCompletionsController, EmbeddingsController, ModelsController, ModelInfoController],
})
export class OpenAIModule {}
