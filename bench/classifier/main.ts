import { type InProcessResult, measureInProcess } from './in-process';
import { measureNatsRoundTrip } from './nats-round-trip';

function formatMicroseconds(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

function met(result: InProcessResult): string {
  if (result.targetMicroseconds === null) return '-';
  return result.medianMicroseconds <= result.targetMicroseconds ? 'yes' : 'NO';
}

export function markdownTable(results: readonly InProcessResult[]): string {
  const lines = [
    '| input | bytes | tier (cause) | tokenized | median µs | p99 µs | target µs | LiteLLM µs | met |',
    '|---|---:|---|---|---:|---:|---:|---:|---|',
  ];
  for (const result of results) {
    lines.push(
      `| ${result.input} | ${result.requestBytes} | ${result.tier ?? '-'} (${result.cause}) | ${result.tokenized ? 'yes' : 'no'} | ${formatMicroseconds(result.medianMicroseconds)} | ${formatMicroseconds(result.p99Microseconds)} | ${result.targetMicroseconds === null ? '-' : `≤${result.targetMicroseconds}`} | ${result.litellmMicroseconds === null ? '-' : `~${result.litellmMicroseconds}`} | ${met(result)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const results = await measureInProcess();
  console.log(`Complexity router, in process (Node ${process.version}, ${results[0]?.router}):\n`);
  console.log(markdownTable(results));
  if (results.some((result) => met(result) === 'NO')) process.exitCode = 1;
  if (process.argv.includes('--in-process')) return;
  const roundTrips = await measureNatsRoundTrip();
  console.log(
    '\n`classify.v1` round trip over NATS (BusClient → classifier process, "Hello" through opencodego-router):\n',
  );
  console.log('| concurrency | requests | p50 µs | p99 µs | requests/s |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const result of roundTrips) {
    console.log(
      `| ${result.concurrency} | ${result.requests} | ${result.p50Microseconds.toFixed(0)} | ${result.p99Microseconds.toFixed(0)} | ${result.perSecond.toFixed(0)} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
