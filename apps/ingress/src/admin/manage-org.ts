import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { BusClient } from '@switchyard/bus';
import { type OrgMessage, type OrgReply, Subjects } from '@switchyard/contracts';
import { parseAdminInput } from './parse-admin-input';

const ADMIN_TIMEOUT_MS = 15_000;

type Body<Operation extends OrgMessage['op']> = Extract<OrgMessage, { op: Operation }>['body'];

/**
 * The ingress side of the team, user and customer API: validates the LiteLLM-shaped body or query
 * with the operation's schema and asks the ledger (`org.admin.v1`), which broadcasts what changes
 * a key (`keys.changed.v1`) to every replica.
 */
@Injectable()
export class ManageOrg {
  constructor(@Inject(BusClient) private readonly bus: BusClient) {}

  async execute<Operation extends OrgMessage['op']>(
    op: Operation,
    schema: z.ZodType<Body<Operation>>,
    input: unknown,
  ): Promise<OrgReply> {
    const body = parseAdminInput(schema, input);
    return this.bus.request(Subjects.orgAdmin, { op, body } as OrgMessage, { timeoutMs: ADMIN_TIMEOUT_MS });
  }
}
