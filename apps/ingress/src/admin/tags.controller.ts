import { Body, Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import {
  type OrgReply,
  TagDeleteRequest,
  TagInfoRequest,
  TagNewRequest,
  TagUpdateRequest,
} from '@switchyard/contracts';
import { z } from 'zod';
import { MasterKeyGuard } from '../auth/api-key.guard';
import { ManageOrg } from './manage-org';

const NO_PARAMETERS = z.strictObject({});

/**
 * LiteLLM's tag API (master key only): `/tag/new`, `/tag/update`, `/tag/info` (`{names}` → the
 * tags keyed by name), `/tag/list`, `/tag/delete`. A tag's budget and rate limits hold across every
 * call carrying it; `models` (LiteLLM's tag routing) is refused.
 */
@Controller('tag')
@UseGuards(MasterKeyGuard)
export class TagsController {
  constructor(@Inject(ManageOrg) private readonly manageOrg: ManageOrg) {}

  @Post('new')
  @HttpCode(200)
  create(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('tag.new', TagNewRequest, body);
  }

  @Post('update')
  @HttpCode(200)
  update(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('tag.update', TagUpdateRequest, body);
  }

  @Post('info')
  @HttpCode(200)
  info(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('tag.info', TagInfoRequest, body);
  }

  @Get('list')
  async list(): Promise<unknown[]> {
    const reply = await this.manageOrg.execute('tag.list', NO_PARAMETERS, {});
    return Array.isArray(reply.tags) ? (reply.tags as unknown[]) : [];
  }

  @Post('delete')
  @HttpCode(200)
  delete(@Body() body: unknown): Promise<OrgReply> {
    return this.manageOrg.execute('tag.delete', TagDeleteRequest, body);
  }
}
