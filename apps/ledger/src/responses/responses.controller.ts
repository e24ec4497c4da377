import { Controller, Inject, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GatewayRpcExceptionFilter } from '@switchyard/bus';
import { type ResponseStoreReply, Subjects } from '@switchyard/contracts';
import { parseMessage } from '../rpc/parse-message';
import { ResponseStore } from './response-store';

/** `responses.store.v1` (queue group `ledger`): validate, call the store, reply. */
@Controller()
@UseFilters(GatewayRpcExceptionFilter)
export class ResponsesController {
  constructor(@Inject(ResponseStore) private readonly store: ResponseStore) {}

  @MessagePattern(Subjects.responsesStore)
  handle(@Payload() payload: unknown): Promise<ResponseStoreReply> {
    return this.store.handle(parseMessage(Subjects.responsesStore, payload));
  }
}
