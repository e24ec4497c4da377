import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import type { SpendLogsPage, SpendReport } from '@switchyard/contracts';
import { MasterKeyGuard } from '../auth/api-key.guard';
import { ReadSpend } from './read-spend';

/** `GET /spend/logs` (paginated usage rows) and `GET /spend/report` (sums by a dimension); master key only. */
@Controller('spend')
@UseGuards(MasterKeyGuard)
export class SpendController {
  constructor(@Inject(ReadSpend) private readonly readSpend: ReadSpend) {}

  @Get('logs')
  logs(@Query() query: unknown): Promise<SpendLogsPage> {
    return this.readSpend.logs(query);
  }

  @Get('report')
  report(@Query() query: unknown): Promise<SpendReport> {
    return this.readSpend.report(query);
  }
}
