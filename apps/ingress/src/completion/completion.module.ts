import { Module } from '@nestjs/common';
import { DispatchClient } from '../dispatch/dispatch-client';
import { DeploymentCooldowns } from '../routing/deployment-cooldowns';
import { ResolveModel } from '../routing/resolve-model';
import { SessionRoutes } from '../routing/session-routes';
import { KeyAdmission } from '../limits/key-admission';
import { CALL_ADMISSION } from './call-admission';
import { ChatResponseCache } from './chat-response-cache';
import { CompleteChat } from './complete-chat';
import { CreateEmbeddings } from './create-embeddings';
import { FallbackPolicy } from './fallback-policy';
import { RecordRefusal } from './record-refusal';

@Module({
  providers: [
    DispatchClient,
    ResolveModel,
    DeploymentCooldowns,
    SessionRoutes,
    RecordRefusal,
    FallbackPolicy,
    CompleteChat,
    ChatResponseCache,
    CreateEmbeddings,
    { provide: CALL_ADMISSION, useClass: KeyAdmission },
  ],
  exports: [
    CompleteChat,
    ChatResponseCache,
    CreateEmbeddings,
    ResolveModel,
    DispatchClient,
    RecordRefusal,
    CALL_ADMISSION,
  ],
})
export class CompletionModule {}
