import { Inject, Injectable } from '@nestjs/common';
import { BusClient } from '@switchyard/bus';
import {
  type SpendLogsPage,
  SpendLogsQuery,
  type SpendReport,
  SpendReportQuery,
  Subjects,
} from '@switchyard/contracts';
import { KeyHasher } from '../auth/key-hasher';
import { keyRefOf } from './key-ref';
import { parseAdminInput } from './parse-admin-input';

const SPEND_TIMEOUT_MS = 30_000;

/** The ingress side of the spend API: validates the query, names the key by its hash, asks the ledger. */
@Injectable()
export class ReadSpend {
  constructor(
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(KeyHasher) private readonly hasher: KeyHasher,
  ) {}

  async logs(query: unknown): Promise<SpendLogsPage> {
    const request = parseAdminInput(SpendLogsQuery, query);
    const key = request.key ?? request.api_key;
    return this.bus.request(
      Subjects.spendLogs,
      {
        key: key === undefined ? null : keyRefOf(key, this.hasher),
        model: request.model ?? null,
        modelGroup: request.model_group ?? null,
        requestId: request.request_id ?? null,
        provider: request.provider ?? null,
        router: request.router ?? null,
        tier: request.tier ?? null,
        endpoint: request.endpoint ?? null,
        status: request.status ?? null,
        teamId: request.team_id ?? null,
        userId: request.user_id ?? null,
        tag: request.tag ?? null,
        customer: request.customer ?? null,
        start: request.start_date ?? null,
        end: request.end_date ?? null,
        limit: request.limit,
        cursor: request.cursor ?? null,
      },
      { timeoutMs: SPEND_TIMEOUT_MS },
    );
  }

  async report(query: unknown): Promise<SpendReport> {
    const request = parseAdminInput(SpendReportQuery, query);
    return this.bus.request(
      Subjects.spendReport,
      {
        groupBy: request.group_by,
        startDate: request.start_date ?? null,
        endDate: request.end_date ?? null,
        key: request.key === undefined ? null : keyRefOf(request.key, this.hasher),
        teamId: request.team_id ?? null,
        userId: request.user_id ?? null,
        tag: request.tag ?? null,
        customer: request.customer ?? null,
      },
      { timeoutMs: SPEND_TIMEOUT_MS },
    );
  }
}
