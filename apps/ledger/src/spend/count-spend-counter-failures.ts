import { Inject, Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '../tokens';
import type { SpendCounterListener } from './spend-counters';

/** Counts the spend counter updates that could not reach Redis. */
@Injectable()
export class CountSpendCounterFailures implements SpendCounterListener {
  private readonly failures: Counter;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.failures = new Counter({
      name: 'switchyard_ledger_spend_counter_failures_total',
      help: 'Spend counter updates that could not reach Redis (kept and retried).',
      registers: [registry],
    });
  }

  onFailure(): void {
    this.failures.inc();
  }
}
