import { Inject, Injectable } from '@nestjs/common';
import { BusClient } from '@switchyard/bus';
import { GatewayError, type ResponseReader, type StoredResponse, Subjects } from '@switchyard/contracts';
import type { Caller } from '../http/request-context';

const STORE_TIMEOUT_MS = 10_000;

/** A stored response and, when asked for, the items of the chain before it. */
export interface StoredChain {
  response: StoredResponse;
  history: Record<string, unknown>[];
}

/** Who reads: a virtual key reads only its own responses, the master key every one. */
export function readerOf(caller: Caller): ResponseReader {
  return caller.kind === 'virtual' ? { kind: 'virtual', keyId: caller.keyId } : { kind: 'master' };
}

/**
 * Stored Responses API responses, kept by the ledger in Postgres (`responses.store.v1`), so they
 * outlive any one ingress. A response the caller may not read is reported as missing.
 */
@Injectable()
export class StoredResponses {
  constructor(@Inject(BusClient) private readonly bus: BusClient) {}

  async put(response: StoredResponse): Promise<void> {
    await this.bus.request(Subjects.responsesStore, { op: 'put', response }, { timeoutMs: STORE_TIMEOUT_MS });
  }

  async get(id: string, caller: Caller, chain: boolean): Promise<StoredChain | null> {
    const reply = await this.bus.request(
      Subjects.responsesStore,
      { op: 'get', id, reader: readerOf(caller), chain },
      { timeoutMs: STORE_TIMEOUT_MS },
    );
    return reply.response ? { response: reply.response, history: reply.history } : null;
  }

  /** The response, or the 404 OpenAI answers for one that is not there. */
  async require(id: string, caller: Caller): Promise<StoredResponse> {
    const stored = await this.get(id, caller, false);
    if (!stored) throw responseNotFound(id);
    return stored.response;
  }

  async delete(id: string, caller: Caller): Promise<void> {
    const reply = await this.bus.request(
      Subjects.responsesStore,
      { op: 'delete', id, reader: readerOf(caller) },
      { timeoutMs: STORE_TIMEOUT_MS },
    );
    if (!reply.done) throw responseNotFound(id);
  }
}

export function responseNotFound(id: string): GatewayError {
  return new GatewayError(404, 'invalid_request_error', `Response with id '${id}' not found.`, {
    code: null,
    param: null,
  });
}
