import { Controller, Get, Inject, Query, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GatewayError, type SpendDaily, type SpendLogsPage } from '@switchyard/contracts';
import { ApiKeyGuard, MasterKeyGuard } from '../auth/api-key.guard';
import { type Caller, requestContext } from '../http/request-context';
import { type ConsoleIdentity, type DeploymentLatencyReport, ReadConsoleData } from './read-console-data';

/**
 * The read endpoints the console adds to the admin API (any script can call them too):
 * `GET /key/self` and `GET /key/self/logs` (the caller's own key and spend logs; a virtual key
 * works), `GET /spend/daily` (per-day totals by provider, model, router and tier; a virtual key
 * sees its own), `GET /health/latency` (master key: p50/p99 per deployment, and the
 * deployments cooling down).
 */
@Controller()
export class ConsoleApiController {
  constructor(@Inject(ReadConsoleData) private readonly readConsoleData: ReadConsoleData) {}

  @Get('key/self')
  @UseGuards(ApiKeyGuard)
  self(@Req() request: FastifyRequest): Promise<ConsoleIdentity> {
    return this.readConsoleData.identity(callerOf(request));
  }

  @Get('key/self/logs')
  @UseGuards(ApiKeyGuard)
  ownLogs(@Req() request: FastifyRequest, @Query() query: unknown): Promise<SpendLogsPage> {
    return this.readConsoleData.ownLogs(query, callerOf(request));
  }

  @Get('spend/daily')
  @UseGuards(ApiKeyGuard)
  daily(@Req() request: FastifyRequest, @Query() query: unknown): Promise<SpendDaily> {
    return this.readConsoleData.daily(query, callerOf(request));
  }

  @Get('health/latency')
  @UseGuards(MasterKeyGuard)
  latency(@Query() query: unknown): Promise<DeploymentLatencyReport> {
    return this.readConsoleData.latency(query);
  }
}

function callerOf(request: FastifyRequest): Caller {
  const { caller } = requestContext(request);
  if (caller === null) throw GatewayError.unauthorized('No API key provided.');
  return caller;
}
