import { Controller, Inject, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GatewayRpcExceptionFilter } from '@switchyard/bus';
import { type OrgReply, Subjects } from '@switchyard/contracts';
import { parseMessage } from '../rpc/parse-message';
import { ManageOrg } from './manage-org';

/** `org.admin.v1` (queue group `ledger`): validate, call the use case, reply. */
@Controller()
@UseFilters(GatewayRpcExceptionFilter)
export class OrgController {
  constructor(@Inject(ManageOrg) private readonly manageOrg: ManageOrg) {}

  @MessagePattern(Subjects.orgAdmin)
  handle(@Payload() payload: unknown): Promise<OrgReply> {
    return this.manageOrg.handle(parseMessage(Subjects.orgAdmin, payload));
  }
}
