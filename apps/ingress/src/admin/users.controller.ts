import { Body, Controller, Get, HttpCode, Inject, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import {
  type OrgReply,
  UserDeleteRequest,
  UserNewRequest,
  UserRefQuery,
  UserUpdateRequest,
} from '@switchyard/contracts';
import { MasterKeyGuard } from '../auth/api-key.guard';
import { ManageOrg } from './manage-org';

/** LiteLLM's internal user API (master key only): `/user/new`, `/user/update`, `/user/delete`, `/user/info`, `/user/list`. */
@Controller('user')
@UseGuards(MasterKeyGuard)
export class UsersController {
  constructor(@Inject(ManageOrg) private readonly manageOrg: ManageOrg) {}

  @Post('new')
  @HttpCode(200)
  create(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('user.new', UserNewRequest, body);
  }

  @Post('update')
  @HttpCode(200)
  update(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('user.update', UserUpdateRequest, body);
  }

  @Post('delete')
  @HttpCode(200)
  delete(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('user.delete', UserDeleteRequest, body);
  }

  @Get('info')
  info(@Query() query: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('user.info', UserRefQuery, query);
  }

  @Get('list')
  list(@Query() query: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('user.list', z.strictObject({}), query);
  }
}
