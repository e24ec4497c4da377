import { Controller, Inject, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GatewayRpcExceptionFilter } from '@switchyard/bus';
import {
  type KeyDeleteReply,
  type KeyListReply,
  type KeyLookupReply,
  Subjects,
  type VirtualKeyInfo,
} from '@switchyard/contracts';
import { parseMessage } from '../rpc/parse-message';
import { ManageKeys } from './manage-keys';

/** `keys.<op>.v1` (queue group `ledger`): validate, call the use case, reply. */
@Controller()
@UseFilters(GatewayRpcExceptionFilter)
export class KeysController {
  constructor(@Inject(ManageKeys) private readonly manageKeys: ManageKeys) {}

  @MessagePattern(Subjects.keysGenerate)
  generate(@Payload() payload: unknown): Promise<VirtualKeyInfo> {
    return this.manageKeys.generate(parseMessage(Subjects.keysGenerate, payload));
  }

  @MessagePattern(Subjects.keysUpdate)
  update(@Payload() payload: unknown): Promise<VirtualKeyInfo> {
    return this.manageKeys.update(parseMessage(Subjects.keysUpdate, payload));
  }

  @MessagePattern(Subjects.keysRegenerate)
  regenerate(@Payload() payload: unknown): Promise<VirtualKeyInfo> {
    return this.manageKeys.regenerate(parseMessage(Subjects.keysRegenerate, payload));
  }

  @MessagePattern(Subjects.keysDelete)
  delete(@Payload() payload: unknown): Promise<KeyDeleteReply> {
    return this.manageKeys.delete(parseMessage(Subjects.keysDelete, payload));
  }

  @MessagePattern(Subjects.keysInfo)
  info(@Payload() payload: unknown): Promise<VirtualKeyInfo> {
    return this.manageKeys.info(parseMessage(Subjects.keysInfo, payload).ref);
  }

  @MessagePattern(Subjects.keysList)
  list(@Payload() payload: unknown): Promise<KeyListReply> {
    return this.manageKeys.list(parseMessage(Subjects.keysList, payload));
  }

  @MessagePattern(Subjects.keysLookup)
  lookup(@Payload() payload: unknown): Promise<KeyLookupReply> {
    return this.manageKeys.lookup(parseMessage(Subjects.keysLookup, payload).keyHash);
  }
}
