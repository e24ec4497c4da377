import { Module } from '@nestjs/common';
import { DispatchModule } from '../dispatch/dispatch.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { LimitsModule } from '../limits/limits.module';
import { RoutingModule } from '../routing/routing.module';
import { ChatResponseCache } from './chat-response-cache';
import { CompleteChat } from './complete-chat';
import { CreateEmbeddings } from './create-embeddings';
import { FallbackPolicy } from './fallback-policy';

/** The completion use cases (chat, embeddings) that every surface calls. */
@Module({
  imports: [InfrastructureModule, RoutingModule, LimitsModule, DispatchModule],
  providers: [FallbackPolicy, CompleteChat, ChatResponseCache, CreateEmbeddings],
  exports: [CompleteChat, ChatResponseCache, CreateEmbeddings, FallbackPolicy],
})
export class CompletionModule {}
