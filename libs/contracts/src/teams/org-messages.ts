import { z } from 'zod';
import {
  CustomerInfoQuery,
  CustomerNewRequest,
  TeamDeleteRequest,
  TeamListQuery,
  TeamMemberAddRequest,
  TeamMemberDeleteRequest,
  TeamNewRequest,
  TeamRefRequest,
  TeamUpdateRequest,
  UserDeleteRequest,
  UserNewRequest,
  UserRefQuery,
  UserUpdateRequest,
} from './team';
import { TagDeleteRequest, TagInfoRequest, TagNewRequest, TagUpdateRequest } from './tag';

/**
 * `org.admin.v1` (served by the ledger, queue group `ledger`): every team, user, customer and
 * tag operation, each with the body the ingress validated. Changes that alter what a key may do
 * publish `keys.changed.v1` for each key concerned.
 */
export const OrgMessage = z.discriminatedUnion('op', [
  z.object({ op: z.literal('team.new'), body: TeamNewRequest }),
  z.object({ op: z.literal('team.update'), body: TeamUpdateRequest }),
  z.object({ op: z.literal('team.delete'), body: TeamDeleteRequest }),
  z.object({ op: z.literal('team.info'), body: TeamRefRequest }),
  z.object({ op: z.literal('team.list'), body: TeamListQuery }),
  z.object({ op: z.literal('team.member_add'), body: TeamMemberAddRequest }),
  z.object({ op: z.literal('team.member_delete'), body: TeamMemberDeleteRequest }),
  z.object({ op: z.literal('team.block'), body: TeamRefRequest }),
  z.object({ op: z.literal('team.unblock'), body: TeamRefRequest }),
  z.object({ op: z.literal('user.new'), body: UserNewRequest }),
  z.object({ op: z.literal('user.update'), body: UserUpdateRequest }),
  z.object({ op: z.literal('user.delete'), body: UserDeleteRequest }),
  z.object({ op: z.literal('user.info'), body: UserRefQuery }),
  z.object({ op: z.literal('user.list'), body: z.strictObject({}) }),
  z.object({ op: z.literal('customer.new'), body: CustomerNewRequest }),
  z.object({ op: z.literal('customer.info'), body: CustomerInfoQuery }),
  z.object({ op: z.literal('tag.new'), body: TagNewRequest }),
  z.object({ op: z.literal('tag.update'), body: TagUpdateRequest }),
  z.object({ op: z.literal('tag.info'), body: TagInfoRequest }),
  z.object({ op: z.literal('tag.list'), body: z.strictObject({}) }),
  z.object({ op: z.literal('tag.delete'), body: TagDeleteRequest }),
]);
export type OrgMessage = z.infer<typeof OrgMessage>;
export type OrgOperation = OrgMessage['op'];

/** The reply: the LiteLLM-shaped JSON of the operation (a team, a user, a list…). */
export const OrgReply = z.record(z.string(), z.unknown());
export type OrgReply = z.infer<typeof OrgReply>;
