import { Controller, Inject, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GatewayRpcExceptionFilter } from '@switchyard/bus';
import {
  type SpendDaily,
  type SpendLatency,
  type SpendLogsPage,
  type SpendReport,
  Subjects,
} from '@switchyard/contracts';
import { parseMessage } from '../rpc/parse-message';
import { SpendDailyQueries } from './spend-daily-queries';
import { SpendQueries } from './spend-queries';

/** `spend.<op>.v1` (queue group `ledger`): validate, query, reply. */
@Controller()
@UseFilters(GatewayRpcExceptionFilter)
export class SpendController {
  constructor(
    @Inject(SpendQueries) private readonly spendQueries: SpendQueries,
    @Inject(SpendDailyQueries) private readonly spendDailyQueries: SpendDailyQueries,
  ) {}

  @MessagePattern(Subjects.spendLogs)
  logs(@Payload() payload: unknown): Promise<SpendLogsPage> {
    return this.spendQueries.logs(parseMessage(Subjects.spendLogs, payload));
  }

  @MessagePattern(Subjects.spendReport)
  report(@Payload() payload: unknown): Promise<SpendReport> {
    return this.spendQueries.report(parseMessage(Subjects.spendReport, payload));
  }

  @MessagePattern(Subjects.spendDaily)
  daily(@Payload() payload: unknown): Promise<SpendDaily> {
    return this.spendDailyQueries.daily(parseMessage(Subjects.spendDaily, payload));
  }

  @MessagePattern(Subjects.spendLatency)
  latency(@Payload() payload: unknown): Promise<SpendLatency> {
    return this.spendDailyQueries.latency(parseMessage(Subjects.spendLatency, payload));
  }
}
