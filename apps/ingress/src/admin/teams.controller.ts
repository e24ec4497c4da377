import { Body, Controller, Get, HttpCode, Inject, Post, Query, UseGuards } from '@nestjs/common';
import {
  type OrgReply,
  TeamDeleteRequest,
  TeamListQuery,
  TeamMemberAddRequest,
  TeamMemberDeleteRequest,
  TeamNewRequest,
  TeamRefRequest,
  TeamUpdateRequest,
} from '@switchyard/contracts';
import { MasterKeyGuard } from '../auth/api-key.guard';
import { ManageOrg } from './manage-org';

/**
 * LiteLLM's team API (master key only): `/team/new`, `/team/update`, `/team/delete`,
 * `/team/info`, `/team/list`, `/team/member_add`, `/team/member_delete`, `/team/block`,
 * `/team/unblock`.
 */
@Controller('team')
@UseGuards(MasterKeyGuard)
export class TeamsController {
  constructor(@Inject(ManageOrg) private readonly manageOrg: ManageOrg) {}

  @Post('new')
  @HttpCode(200)
  create(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('team.new', TeamNewRequest, body);
  }

  @Post('update')
  @HttpCode(200)
  update(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('team.update', TeamUpdateRequest, body);
  }

  @Post('delete')
  @HttpCode(200)
  delete(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('team.delete', TeamDeleteRequest, body);
  }

  @Get('info')
  info(@Query() query: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('team.info', TeamRefRequest, query);
  }

  @Get('list')
  list(@Query() query: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('team.list', TeamListQuery, query);
  }

  @Post('member_add')
  @HttpCode(200)
  addMember(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('team.member_add', TeamMemberAddRequest, body);
  }

  @Post('member_delete')
  @HttpCode(200)
  deleteMember(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('team.member_delete', TeamMemberDeleteRequest, body);
  }

  @Post('block')
  @HttpCode(200)
  block(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('team.block', TeamRefRequest, body);
  }

  @Post('unblock')
  @HttpCode(200)
  unblock(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('team.unblock', TeamRefRequest, body);
  }
}
