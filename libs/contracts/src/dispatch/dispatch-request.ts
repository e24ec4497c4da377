import { z } from 'zod';
import { ChatBody, EmbeddingBody } from '../chat/chat-body';
import { DispatchAccounting } from '../usage/attempt-accounting';

/**
 * `dispatch.<provider>.chat.v1`. The deployment is named by id; the dispatcher resolves its key
 * and endpoint from its own configuration. `body.model` is the model name the client sent and is
 * replaced by the deployment's provider model.
 */
export const DispatchChatRequest = z.object({
  requestId: z.string().min(1),
  attempt: z.number().int().nonnegative(),
  deploymentId: z.string().min(1),
  stream: z.boolean(),
  body: ChatBody,
  accounting: DispatchAccounting,
});
export type DispatchChatRequest = z.infer<typeof DispatchChatRequest>;

/** `dispatch.<provider>.embed.v1`. */
export const DispatchEmbedRequest = z.object({
  requestId: z.string().min(1),
  attempt: z.number().int().nonnegative(),
  deploymentId: z.string().min(1),
  body: EmbeddingBody,
  accounting: DispatchAccounting,
});
export type DispatchEmbedRequest = z.infer<typeof DispatchEmbedRequest>;

/** `dispatch.<provider>.cancel.v1`: the client went away; abort the upstream call. */
export const DispatchCancel = z.object({ requestId: z.string().min(1) });
export type DispatchCancel = z.infer<typeof DispatchCancel>;
