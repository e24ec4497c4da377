import { randomBytes } from 'node:crypto';

/** A new id in OpenAI's style: `resp_…`, `msg_…`, `fc_…`, `rs_…`, `ctc_…` and 48 hex digits. */
export function newResponsesId(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}
