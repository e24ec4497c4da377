import { Inject, Injectable } from '@nestjs/common';
import { BusClient } from '@switchyard/bus';
import {
  type RoutedAskRow,
  RoutedAskLabelBody,
  RoutedAsksPage,
  RoutedAsksQuery,
  RoutedAskRow as RoutedAskRowSchema,
  Subjects,
} from '@switchyard/contracts';
import { parseAdminInput } from './parse-admin-input';
import type { TeamAdminScope } from './team-admin-scope';

const ROUTED_ASKS_TIMEOUT_MS = 30_000;

/**
 * The owner's loop, admin side: lists logged asks and sets labels, through the ledger
 * (`routing.asks.v1`). The master key sees every ask; a team admin only its teams' keys' asks.
 */
@Injectable()
export class ManageRoutedAsks {
  constructor(@Inject(BusClient) private readonly bus: BusClient) {}

  async list(query: unknown, scope: TeamAdminScope): Promise<RoutedAsksPage> {
    const request = parseAdminInput(RoutedAsksQuery, query);
    const reply = await this.bus.request(
      Subjects.routedAsks,
      {
        op: 'list',
        teams: scope.managedTeams === null ? null : [...scope.managedTeams],
        router: request.router ?? null,
        tier: request.tier ?? null,
        label: request.label ?? null,
        labelled: request.labelled === undefined ? null : request.labelled === 'true',
        sessionId: request.session_id ?? null,
        start: request.start_date ?? null,
        end: request.end_date ?? null,
        limit: request.limit,
        cursor: request.cursor ?? null,
      },
      { timeoutMs: ROUTED_ASKS_TIMEOUT_MS },
    );
    return RoutedAsksPage.parse(reply);
  }

  async label(body: unknown, scope: TeamAdminScope): Promise<RoutedAskRow> {
    const request = parseAdminInput(RoutedAskLabelBody, body);
    const reply = await this.bus.request(
      Subjects.routedAsks,
      {
        op: 'label',
        teams: scope.managedTeams === null ? null : [...scope.managedTeams],
        id: request.id,
        label: request.label,
      },
      { timeoutMs: ROUTED_ASKS_TIMEOUT_MS },
    );
    return RoutedAskRowSchema.parse(reply);
  }
}
