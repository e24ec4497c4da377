// Liveness poller for tokenizer.chaos-spec.ts, in its own process so that the test's own work
// (building and sending 500 KB bodies, reading the answers, its garbage collection) never counts
// as the ingress's delay. Usage: node liveness-poller.mjs <url>
// Asks <url> every 10 ms, one request at a time, and prints one line per answer:
// `<Date.now() when asked> <milliseconds to the whole answer> <status>`. Exits when stdin closes.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const [url] = process.argv.slice(2);
let polling = true;
process.stdin.on('end', () => (polling = false));
process.stdin.on('close', () => (polling = false));
process.stdin.resume();

while (polling) {
  const at = Date.now();
  const started = performance.now();
  let status;
  try {
    const response = await fetch(url);
    await response.text();
    status = response.status;
  } catch {
    status = 0; // no answer
  }
  process.stdout.write(`${at} ${(performance.now() - started).toFixed(3)} ${status}\n`);
  await sleep(10);
}
