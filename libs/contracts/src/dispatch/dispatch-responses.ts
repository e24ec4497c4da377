import { z } from 'zod';
import { GatewayErrorPayload } from '../errors/gateway-error';
import { AttemptOutcome, DispatchAccounting } from '../usage/attempt-accounting';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A Responses API request body (OpenAI's `POST /responses`), checked for its shape only. */
export const ResponsesBody = z.custom<Record<string, unknown>>(
  (value) => isRecord(value) && typeof value.model === 'string' && value.input !== undefined,
  { message: 'expected a responses body with model and input' },
);

/** One native Responses stream event (`type`, `sequence_number`, …) as the provider sent it. */
export const ResponsesEventBody = z.custom<Record<string, unknown> & { type: string }>(
  (value) => isRecord(value) && typeof value.type === 'string',
  { message: 'expected a responses stream event' },
);

/** A Responses object (`object: "response"`, `output`, `status`, `usage`). */
export const ResponsesObjectBody = z.custom<Record<string, unknown>>(
  (value) => isRecord(value) && Array.isArray(value.output),
  { message: 'expected a response object' },
);

/**
 * `dispatch.<provider>.responses.v1`: one attempt on a provider's native Responses API (OpenAI).
 * The body passes through with `model` replaced by the deployment's provider model; the
 * dispatcher resolves the key and endpoint from its own configuration. Usage is recorded with
 * `endpoint: 'responses'`.
 */
export const DispatchResponsesRequest = z.object({
  requestId: z.string().min(1),
  attempt: z.number().int().nonnegative(),
  deploymentId: z.string().min(1),
  stream: z.boolean(),
  body: ResponsesBody,
  accounting: DispatchAccounting,
});
export type DispatchResponsesRequest = z.infer<typeof DispatchResponsesRequest>;

/**
 * Replies to one responses dispatch, in order: `heartbeat`s while nothing else was sent for a
 * second, `event`s (native stream events, when streaming; the opening `response.created` and
 * `response.in_progress` come together with the first event after them), then exactly one `final`
 * (the usage outcome, and the response object when not streaming) or `error`.
 */
export const DispatchResponsesReply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('event'), event: ResponsesEventBody }),
  z.object({
    type: z.literal('final'),
    outcome: AttemptOutcome,
    /** the response object, for a non-streamed call. */
    response: ResponsesObjectBody.nullable(),
  }),
  z.object({
    type: z.literal('error'),
    error: GatewayErrorPayload,
    /** present when the attempt reached the upstream and its usage was recorded. */
    outcome: AttemptOutcome.nullable(),
  }),
]);
export type DispatchResponsesReply = z.infer<typeof DispatchResponsesReply>;
