import { Body, Controller, Get, HttpCode, Inject, Post, Query, UseGuards } from '@nestjs/common';
import { CustomerInfoQuery, CustomerNewRequest, type OrgReply } from '@switchyard/contracts';
import { MasterKeyGuard } from '../auth/api-key.guard';
import { ManageOrg } from './manage-org';

/** LiteLLM's end-user API (master key only): `/customer/new`, `/customer/info?end_user_id=`. */
@Controller('customer')
@UseGuards(MasterKeyGuard)
export class CustomersController {
  constructor(@Inject(ManageOrg) private readonly manageOrg: ManageOrg) {}

  @Post('new')
  @HttpCode(200)
  create(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('customer.new', CustomerNewRequest, body);
  }

  @Get('info')
  info(@Query() query: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('customer.info', CustomerInfoQuery, query);
  }
}
