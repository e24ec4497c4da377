import { Controller, Inject, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GatewayRpcExceptionFilter } from '@switchyard/bus';
import { type RoutedAskRow, type RoutedAsksPage, Subjects } from '@switchyard/contracts';
import { parseMessage } from '../rpc/parse-message';
import { RoutedAskStore } from './routed-ask-store';

/** `routing.asks.v1` (queue group `ledger`): list logged asks, or label one. */
@Controller()
@UseFilters(GatewayRpcExceptionFilter)
export class RoutedAsksController {
  constructor(@Inject(RoutedAskStore) private readonly store: RoutedAskStore) {}

  @MessagePattern(Subjects.routedAsks)
  handle(@Payload() payload: unknown): Promise<RoutedAsksPage | RoutedAskRow> {
    const message = parseMessage(Subjects.routedAsks, payload);
    return message.op === 'list' ? this.store.list(message) : this.store.label(message);
  }
}
