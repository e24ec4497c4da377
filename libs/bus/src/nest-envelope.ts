import { randomUUID } from 'node:crypto';
import { GatewayError, GatewayErrorPayload } from '@switchyard/contracts';

/**
 * The JSON envelope of `@nestjs/microservices`' NATS transport, so raw clients on the hot path
 * can call `@MessagePattern` handlers without Nest's ClientProxy (which subscribes a new inbox for
 * every request): request `{pattern, data, id}`, event `{pattern, data}`, reply
 * `{id, response | err, isDisposed}`.
 */
export function nestRequest(pattern: string, data: unknown): { pattern: string; data: unknown; id: string } {
  return { pattern, data, id: randomUUID() };
}

export function nestEvent(pattern: string, data: unknown): { pattern: string; data: unknown } {
  return { pattern, data };
}

interface NestReply {
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

/** The response of a Nest reply, or the `GatewayError` it carries. */
export function unwrapNestReply(reply: unknown, subject: string): unknown {
  const packet = (reply ?? {}) as NestReply;
  if (packet.err !== undefined && packet.err !== null) {
    const parsed = GatewayErrorPayload.safeParse(packet.err);
    if (parsed.success) throw GatewayError.fromPayload(parsed.data);
    const message =
      typeof packet.err === 'object' && 'message' in packet.err
        ? String(packet.err.message)
        : JSON.stringify(packet.err);
    throw GatewayError.unavailable(`${subject} failed: ${message}`);
  }
  return packet.response;
}

/** The `data` of an incoming Nest event envelope (raw subscribers of Nest-published events). */
export function unwrapNestEvent(packet: unknown): unknown {
  return packet !== null && typeof packet === 'object' && 'data' in packet ? packet.data : packet;
}
