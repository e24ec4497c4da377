import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CompletionModule } from '../completion/completion.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { AnswerResponses } from './answer-responses';
import { CreateResponse } from './create-response';
import { ResponsesController } from './responses.controller';
import { StoredResponses } from './stored-responses';

/** The OpenAI Responses API surface and its stored responses. */
@Module({
  imports: [AuthModule, InfrastructureModule, CompletionModule, DispatchModule],
  controllers: [ResponsesController],
  providers: [CreateResponse, StoredResponses, AnswerResponses],
})
export class ResponsesModule {}
