import { Inject, Injectable } from '@nestjs/common';
import type { IngressEnvironment } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';
import { INGRESS_ENVIRONMENT } from '../infrastructure/tokens';

const WINDOW_MS = 60_000;
/** Client addresses tracked at once; the oldest window goes first past it. */
const MAX_ADDRESSES = 10_000;

interface Window {
  startedAt: number;
  failures: number;
}

/**
 * Counts wrong keys per client address in a fixed one-minute window (per ingress replica). Past
 * `AUTH_FAILURES_PER_MINUTE`, the address gets 429 for unknown keys until the window ends, so
 * guessing keys costs no ledger lookups; keys already authenticated on this replica still pass.
 */
@Injectable()
export class FailedAuthenticationThrottle {
  private readonly windows = new Map<string, Window>();
  private readonly limit: number;

  constructor(
    @Inject(INGRESS_ENVIRONMENT) environment: Pick<IngressEnvironment, 'AUTH_FAILURES_PER_MINUTE'>,
  ) {
    this.limit = environment.AUTH_FAILURES_PER_MINUTE;
  }

  /** Throws a 429 when this address used up its wrong keys for the current window. */
  check(address: string): void {
    if (this.limit === 0) return;
    const window = this.current(address);
    if (window === null || window.failures < this.limit) return;
    const retryAfterMs = window.startedAt + WINDOW_MS - Date.now();
    throw GatewayError.rateLimited(
      `Too many requests with an invalid API key from your address (${this.limit} a minute); check the key and retry in ${Math.ceil(retryAfterMs / 1000)} s.`,
      retryAfterMs,
      // retrying a wrong key cannot help: SDKs that obey x-should-retry give up at once
      { code: 'too_many_failed_authentications', retryable: false, headers: { 'x-should-retry': 'false' } },
    );
  }

  recordFailure(address: string): void {
    if (this.limit === 0) return;
    const window = this.current(address);
    if (window !== null) {
      window.failures += 1;
      return;
    }
    this.windows.set(address, { startedAt: Date.now(), failures: 1 });
    if (this.windows.size > MAX_ADDRESSES) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
  }

  private current(address: string): Window | null {
    const window = this.windows.get(address);
    if (window === undefined) return null;
    if (Date.now() - window.startedAt < WINDOW_MS) return window;
    this.windows.delete(address);
    return null;
  }
}
