import { Module } from '@nestjs/common';
import { DispatchClient } from '../dispatch/dispatch-client';
import { ResolveModel } from '../routing/resolve-model';
import { CompleteChat } from './complete-chat';
import { RecordRefusal } from './record-refusal';

@Module({
  providers: [DispatchClient, ResolveModel, RecordRefusal, CompleteChat],
  exports: [CompleteChat, ResolveModel, DispatchClient, RecordRefusal],
})
export class CompletionModule {}
