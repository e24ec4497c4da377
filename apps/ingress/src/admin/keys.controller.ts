import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { VirtualKeyInfo } from '@switchyard/contracts';
import { KeyAdminGuard } from '../auth/key-admin.guard';
import { requestContext } from '../http/request-context';
import { ManageVirtualKeys, type MintedKeyInfo } from './manage-virtual-keys';
import { TeamAdminScope } from './team-admin-scope';

const scopeOf = (request: FastifyRequest) => TeamAdminScope.of(requestContext(request).caller);

/** LiteLLM's key API (master key, or a team admin's key for its teams' keys): `/key/generate`, `/key/update`, `/key/delete`, `/key/info`, `/key/list`, `/key/regenerate`, `/key/block`, `/key/unblock`. */
@Controller('key')
@UseGuards(KeyAdminGuard)
export class KeysController {
  constructor(@Inject(ManageVirtualKeys) private readonly manageKeys: ManageVirtualKeys) {}

  @Post('generate')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  generate(@Body() body: unknown, @Req() request: FastifyRequest): Promise<MintedKeyInfo> {
    return this.manageKeys.generate(body, scopeOf(request));
  }

  @Post('update')
  @HttpCode(200)
  update(@Body() body: unknown, @Req() request: FastifyRequest): Promise<VirtualKeyInfo> {
    return this.manageKeys.update(body, scopeOf(request));
  }

  @Post('block')
  @HttpCode(200)
  block(@Body() body: unknown, @Req() request: FastifyRequest): Promise<VirtualKeyInfo> {
    return this.manageKeys.setBlocked(body, true, scopeOf(request));
  }

  @Post('unblock')
  @HttpCode(200)
  unblock(@Body() body: unknown, @Req() request: FastifyRequest): Promise<VirtualKeyInfo> {
    return this.manageKeys.setBlocked(body, false, scopeOf(request));
  }

  @Post('delete')
  @HttpCode(200)
  delete(@Body() body: unknown, @Req() request: FastifyRequest): ReturnType<ManageVirtualKeys['delete']> {
    return this.manageKeys.delete(body, scopeOf(request));
  }

  @Get('info')
  info(@Query() query: unknown, @Req() request: FastifyRequest): ReturnType<ManageVirtualKeys['info']> {
    return this.manageKeys.info(query, scopeOf(request));
  }

  @Get('list')
  list(@Query() query: unknown, @Req() request: FastifyRequest): ReturnType<ManageVirtualKeys['list']> {
    return this.manageKeys.list(query, scopeOf(request));
  }

  @Post('regenerate')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  regenerate(@Body() body: unknown, @Req() request: FastifyRequest): Promise<MintedKeyInfo> {
    return this.manageKeys.regenerate(body, null, scopeOf(request));
  }

  @Post(':key/regenerate')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  regenerateByPath(
    @Param('key') key: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<MintedKeyInfo> {
    return this.manageKeys.regenerate(body, key, scopeOf(request));
  }
}
