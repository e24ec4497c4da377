import { Body, Controller, Get, Header, HttpCode, Inject, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RoutedAskRow, RoutedAsksPage } from '@switchyard/contracts';
import { KeyAdminGuard } from '../auth/key-admin.guard';
import { requestContext } from '../http/request-context';
import { ManageRoutedAsks } from './manage-routed-asks';
import { TeamAdminScope } from './team-admin-scope';

const scopeOf = (request: FastifyRequest) => TeamAdminScope.of(requestContext(request).caller);

/**
 * The owner's loop (`general_settings.routing_log`): `GET /routing/asks` lists logged asks (their
 * text included), `POST /routing/asks/label` sets the tier an ask should have had. Master key, or a
 * team admin's key for its teams' asks.
 */
@Controller('routing/asks')
@UseGuards(KeyAdminGuard)
export class RoutedAsksController {
  constructor(@Inject(ManageRoutedAsks) private readonly manageRoutedAsks: ManageRoutedAsks) {}

  @Get()
  @Header('cache-control', 'no-store')
  list(@Query() query: unknown, @Req() request: FastifyRequest): Promise<RoutedAsksPage> {
    return this.manageRoutedAsks.list(query, scopeOf(request));
  }

  @Post('label')
  @HttpCode(200)
  label(@Body() body: unknown, @Req() request: FastifyRequest): Promise<RoutedAskRow> {
    return this.manageRoutedAsks.label(body, scopeOf(request));
  }
}
