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
  UseGuards,
} from '@nestjs/common';
import type { VirtualKeyInfo } from '@switchyard/contracts';
import { MasterKeyGuard } from '../auth/api-key.guard';
import { ManageVirtualKeys, type MintedKeyInfo } from './manage-virtual-keys';

/** LiteLLM's key API (master key only): `/key/generate`, `/key/update`, `/key/delete`, `/key/info`, `/key/list`, `/key/regenerate`, `/key/block`, `/key/unblock`. */
@Controller('key')
@UseGuards(MasterKeyGuard)
export class KeysController {
  constructor(@Inject(ManageVirtualKeys) private readonly manageKeys: ManageVirtualKeys) {}

  @Post('generate')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  generate(@Body() body: unknown): Promise<MintedKeyInfo> {
    return this.manageKeys.generate(body);
  }

  @Post('update')
  @HttpCode(200)
  update(@Body() body: unknown): Promise<VirtualKeyInfo> {
    return this.manageKeys.update(body);
  }

  @Post('block')
  @HttpCode(200)
  block(@Body() body: unknown): Promise<VirtualKeyInfo> {
    return this.manageKeys.setBlocked(body, true);
  }

  @Post('unblock')
  @HttpCode(200)
  unblock(@Body() body: unknown): Promise<VirtualKeyInfo> {
    return this.manageKeys.setBlocked(body, false);
  }

  @Post('delete')
  @HttpCode(200)
  delete(@Body() body: unknown): ReturnType<ManageVirtualKeys['delete']> {
    return this.manageKeys.delete(body);
  }

  @Get('info')
  info(@Query() query: unknown): ReturnType<ManageVirtualKeys['info']> {
    return this.manageKeys.info(query);
  }

  @Get('list')
  list(@Query() query: unknown): ReturnType<ManageVirtualKeys['list']> {
    return this.manageKeys.list(query);
  }

  @Post('regenerate')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  regenerate(@Body() body: unknown): Promise<MintedKeyInfo> {
    return this.manageKeys.regenerate(body, null);
  }

  @Post(':key/regenerate')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  regenerateByPath(@Param('key') key: string, @Body() body: unknown): Promise<MintedKeyInfo> {
    return this.manageKeys.regenerate(body, key);
  }
}
