import type { z } from 'zod';
import { ClassifyDecision, ClassifyRequest } from './classify/classify';
import { DeploymentCooldown } from './deployment-cooldown';
import { DispatchProbeReply, DispatchProbeRequest } from './dispatch/dispatch-probe';
import { DispatchEmbedReply, DispatchReply } from './dispatch/dispatch-reply';
import { DispatchResponsesReply, DispatchResponsesRequest } from './dispatch/dispatch-responses';
import { DispatchCancel, DispatchChatRequest, DispatchEmbedRequest } from './dispatch/dispatch-request';
import type { GatewayErrorPayload } from './errors/gateway-error';
import { KeysChanged } from './keys-changed';
import {
  KeyDeleteMessage,
  KeyDeleteReply,
  KeyGenerateMessage,
  KeyInfoMessage,
  KeyListMessage,
  KeyListReply,
  KeyLookupMessage,
  KeyLookupReply,
  KeyRegenerateMessage,
  KeyUpdateMessage,
} from './keys/key-messages';
import { VirtualKeyInfo } from './keys/virtual-key';
import { ResponseStoreMessage, ResponseStoreReply } from './responses/stored-response';
import { SpendDaily, SpendDailyMessage } from './spend/spend-daily';
import { SpendLatency, SpendLatencyMessage } from './spend/spend-latency';
import { SpendLogsMessage, SpendLogsPage } from './spend/spend-logs';
import { SpendReport, SpendReportMessage } from './spend/spend-report';
import { RoutedAsksMessage, RoutedAsksReply } from './routing/routed-asks-messages';
import { Subjects } from './subjects';
import { OrgMessage, OrgReply } from './teams/org-messages';

/**
 * Request/reply subjects served through Nest microservices (`@MessagePattern`), with their
 * request and response schemas. `BusClient.request(subject, payload)` is typed by this map, and
 * every handler parses its input with the same schema.
 */
export const RpcContracts = {
  [Subjects.classify]: { request: ClassifyRequest, response: ClassifyDecision },
  [Subjects.keysGenerate]: { request: KeyGenerateMessage, response: VirtualKeyInfo },
  [Subjects.keysUpdate]: { request: KeyUpdateMessage, response: VirtualKeyInfo },
  [Subjects.keysDelete]: { request: KeyDeleteMessage, response: KeyDeleteReply },
  [Subjects.keysInfo]: { request: KeyInfoMessage, response: VirtualKeyInfo },
  [Subjects.keysList]: { request: KeyListMessage, response: KeyListReply },
  [Subjects.keysRegenerate]: { request: KeyRegenerateMessage, response: VirtualKeyInfo },
  [Subjects.keysLookup]: { request: KeyLookupMessage, response: KeyLookupReply },
  [Subjects.orgAdmin]: { request: OrgMessage, response: OrgReply },
  [Subjects.spendLogs]: { request: SpendLogsMessage, response: SpendLogsPage },
  [Subjects.spendReport]: { request: SpendReportMessage, response: SpendReport },
  [Subjects.spendDaily]: { request: SpendDailyMessage, response: SpendDaily },
  [Subjects.spendLatency]: { request: SpendLatencyMessage, response: SpendLatency },
  [Subjects.routedAsks]: { request: RoutedAsksMessage, response: RoutedAsksReply },
  [Subjects.responsesStore]: { request: ResponseStoreMessage, response: ResponseStoreReply },
} as const;
export type RpcSubject = keyof typeof RpcContracts;
export type RpcRequestOf<S extends RpcSubject> = z.infer<(typeof RpcContracts)[S]['request']>;
export type RpcResponseOf<S extends RpcSubject> = z.infer<(typeof RpcContracts)[S]['response']>;

/** Broadcast subjects (no reply) and their payloads. */
export const EventContracts = {
  [Subjects.keysChanged]: KeysChanged,
  [Subjects.deploymentCooldown]: DeploymentCooldown,
} as const;
export type EventSubject = keyof typeof EventContracts;
export type EventOf<S extends EventSubject> = z.infer<(typeof EventContracts)[S]>;

/**
 * The hot path: per-provider subjects (`dispatch.<provider>.<operation>.v1`) served by that
 * provider's dispatchers, with their request and reply schemas. `chat` is answered by a stream of
 * `DispatchReply` messages, `responses` (providers with a native Responses API) by a stream of
 * `DispatchResponsesReply` messages, `embed` and `probe` by one reply, `cancel` by none. `requestProvider()`
 * and `serveProvider()` (libs/bus) are typed by this map and validate with the same schemas.
 */
export const ProviderContracts = {
  chat: { subject: Subjects.dispatchChat, request: DispatchChatRequest, reply: DispatchReply },
  responses: {
    subject: Subjects.dispatchResponses,
    request: DispatchResponsesRequest,
    reply: DispatchResponsesReply,
  },
  embed: { subject: Subjects.dispatchEmbed, request: DispatchEmbedRequest, reply: DispatchEmbedReply },
  probe: { subject: Subjects.dispatchProbe, request: DispatchProbeRequest, reply: DispatchProbeReply },
  cancel: { subject: Subjects.dispatchCancel, request: DispatchCancel, reply: null },
} as const;
export type ProviderOperation = keyof typeof ProviderContracts;
/** The operations that answer. */
export type ProviderAnsweredOperation = Exclude<ProviderOperation, 'cancel'>;
export type ProviderRequestOf<O extends ProviderOperation> = z.infer<
  (typeof ProviderContracts)[O]['request']
>;
export type ProviderReplyOf<O extends ProviderAnsweredOperation> = z.infer<
  (typeof ProviderContracts)[O]['reply']
>;

/**
 * The reply that tells a requester its request failed before any work was done (an invalid
 * message, a handler that threw), in the operation's own reply shape. `responder`: the dispatcher's id.
 */
export function providerFailureReply<O extends ProviderAnsweredOperation>(
  operation: O,
  error: GatewayErrorPayload,
  responder: string,
): ProviderReplyOf<O> {
  const reply: ProviderReplyOf<ProviderAnsweredOperation> =
    operation === 'probe'
      ? {
          status: 'unhealthy',
          deploymentId: '',
          probe: null,
          latencyMs: null,
          dispatcherId: responder,
          error,
        }
      : { type: 'error', error, outcome: null };
  return reply as ProviderReplyOf<O>;
}
