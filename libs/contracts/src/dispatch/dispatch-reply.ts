import { z } from 'zod';
import { ChatChunkBody, ChatCompletionBody, EmbeddingResponseBody } from '../chat/chat-body';
import { GatewayErrorPayload } from '../errors/gateway-error';
import { AttemptOutcome } from '../usage/attempt-accounting';

/**
 * Replies to one dispatch request, in order: `heartbeat` whenever the dispatcher has sent nothing
 * for a second (so a requester can tell a silent upstream from a dead dispatcher), `chunk`s when
 * streaming, then exactly one `final` or `error`. There is no acknowledgement of receipt: NATS
 * answers "no responders" when no dispatcher listens, and the first heartbeat follows within
 * about a second, so a fast request costs one message each way.
 */
export const DispatchReply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('chunk'), chunk: ChatChunkBody }),
  z.object({
    type: z.literal('final'),
    outcome: AttemptOutcome,
    /** the completion, for non-streaming chat. */
    response: ChatCompletionBody.nullable(),
  }),
  z.object({
    type: z.literal('error'),
    error: GatewayErrorPayload,
    /** present when the attempt reached the upstream and its usage was recorded. */
    outcome: AttemptOutcome.nullable(),
  }),
]);
export type DispatchReply = z.infer<typeof DispatchReply>;

/** Reply of `dispatch.<provider>.embed.v1`. */
export const DispatchEmbedReply = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('final'),
    outcome: AttemptOutcome,
    response: EmbeddingResponseBody,
  }),
  z.object({ type: z.literal('error'), error: GatewayErrorPayload, outcome: AttemptOutcome.nullable() }),
]);
export type DispatchEmbedReply = z.infer<typeof DispatchEmbedReply>;
