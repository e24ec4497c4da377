import type { z } from 'zod';
import { ClassifyDecision, ClassifyRequest } from './classify/classify';
import { DeploymentCooldown } from './deployment-cooldown';
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
import { SpendDaily, SpendDailyMessage } from './spend/spend-daily';
import { SpendLatency, SpendLatencyMessage } from './spend/spend-latency';
import { SpendLogsMessage, SpendLogsPage } from './spend/spend-logs';
import { SpendReport, SpendReportMessage } from './spend/spend-report';
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
