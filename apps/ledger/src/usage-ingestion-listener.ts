import { Inject, Injectable } from '@nestjs/common';
import { LedgerMetrics } from '@switchyard/telemetry';
import { SpendCounters } from './spend/spend-counters';
import type { UsageConsumerListener } from './usage/usage-consumer';
import type { InsertResult } from './usage/usage-store';

/**
 * What follows each batch the usage consumer writes: the Redis spend counters of its keys and
 * scopes, and the ledger's ingestion metrics (written, duplicate, dead-lettered, minimal rows,
 * write failures, batch size, insert time and lag).
 */
@Injectable()
export class UsageIngestionListener implements UsageConsumerListener {
  constructor(
    @Inject(SpendCounters) private readonly counters: SpendCounters,
    @Inject(LedgerMetrics) private readonly metrics: LedgerMetrics,
  ) {}

  onBatchWritten(result: InsertResult, received: number, durationMs: number): void {
    this.counters.apply(result.keyWindows, result.inserted, result.budgetedKeyIds, result.eventScopes);
    this.metrics.events.inc({ result: 'written' }, result.inserted.length);
    this.metrics.events.inc({ result: 'duplicate' }, received - result.inserted.length);
    this.metrics.batchSize.observe(received);
    this.metrics.insertDuration.observe(durationMs / 1000);
    const now = Date.now();
    for (const event of result.inserted) {
      this.metrics.lag.observe(Math.max(0, now - Date.parse(event.startedAt)) / 1000);
    }
  }

  onDeadLetter(): void {
    this.metrics.events.inc({ result: 'dead_letter' });
  }

  onMinimalRow(): void {
    this.metrics.events.inc({ result: 'minimal_row' });
  }

  onWriteFailure(): void {
    this.metrics.writeFailures.inc();
  }
}
