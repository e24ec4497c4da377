// Keyless load for pre-auth.chaos-spec.ts, in its own process so that writing 10 MB bodies does not
// slow the test's own measurements. Usage: node pre-auth-load.mjs <baseUrl> <requests per second>
// Reads commands on stdin, one a line: `load` (send; says `loaded` at the first answer), `quiet`
// (pause; says `idle` once nothing is in flight), `stop` (print a JSON summary and exit). Bodies of
// 10 MB, nested (`[[[[…`) or wide (`[1,1,1,…]`), with no key or a wrong one, on both surfaces; every
// answer is checked for its status and its surface's envelope.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const [baseUrl, rateText] = process.argv.slice(2);
const rate = Number(rateText);
const SIZE = 10 * 1024 * 1024;
const CONCURRENCY = 8;
/** a bound on the whole run, whatever the commands. */
const MAX_REQUESTS = 20_000;

const nested = Buffer.alloc(SIZE, '[');
const wide = Buffer.alloc(SIZE, '1,');
wide[0] = '['.charCodeAt(0);
wide[SIZE - 1] = ']'.charCodeAt(0);
wide[SIZE - 2] = '1'.charCodeAt(0);

const summary = { sent: 0, byStatus: {}, byKind: {}, badEnvelope: [], networkErrors: [] };
let mode = 'quiet';
let stopping = false;
let nextSlot = Date.now();
let announcedLoad = false;
let inFlight = 0;
let awaitingIdle = false;

function envelopeOk(anthropic, status, body) {
  if (anthropic) {
    return (
      body?.type === 'error' &&
      typeof body.error?.type === 'string' &&
      typeof body.error?.message === 'string' &&
      (status !== 401 || body.error.type === 'authentication_error')
    );
  }
  return (
    typeof body?.error?.message === 'string' &&
    typeof body.error.type === 'string' &&
    'code' in body.error &&
    'param' in body.error &&
    (status !== 401 || body.error.type === 'authentication_error')
  );
}

/**
 * One POST over a raw socket: the body is written as the server takes it and writing stops at the
 * answer, as a careful client does (and as cheap for this process as the test can make it, so the
 * load weighs on the ingress, not on the machine). Resolves with the status and body of the answer.
 */
function post(path, headers, body) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let answered = false;
    let offset = 0;
    const pump = () => {
      while (!answered && offset < body.length) {
        const chunk = body.subarray(offset, offset + 64 * 1024);
        offset += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      const lines = Object.entries({
        ...headers,
        host: `${hostname}:${port}`,
        'content-length': body.length,
      });
      socket.write(
        `POST ${path} HTTP/1.1\r\n${lines.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`,
      );
      pump();
    });
    socket.on('data', (data) => {
      received = Buffer.concat([received, data]);
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = received.subarray(0, headEnd).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
      if (received.length - headEnd - 4 < length) return;
      answered = true;
      socket.destroy();
      resolve({
        status: Number(head.split(' ')[1]),
        text: received.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8'),
      });
    });
    socket.on('error', (error) => {
      if (!answered) reject(error);
    });
    socket.on('close', () => {
      if (!answered) reject(new Error('closed before an answer'));
    });
  });
}

async function one(index) {
  const anthropic = index % 2 === 1;
  const withKey = index % 4 >= 2;
  const body = index % 8 >= 4 ? wide : nested;
  const kind = `${anthropic ? 'anthropic' : 'openai'}/${withKey ? 'wrong-key' : 'no-key'}/${body === wide ? 'wide' : 'nested'}`;
  const headers = { 'content-type': 'application/json' };
  const wrongKey = `sk-${randomBytes(24).toString('base64url')}`;
  if (withKey && anthropic) headers['x-api-key'] = wrongKey;
  if (withKey && !anthropic) headers.authorization = `Bearer ${wrongKey}`;
  try {
    const { status, text } = await post(anthropic ? '/v1/messages' : '/v1/chat/completions', headers, body);
    let parsed = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // recorded below as a bad envelope
    }
    summary.byStatus[status] = (summary.byStatus[status] ?? 0) + 1;
    summary.byKind[kind] ??= {};
    summary.byKind[kind][status] = (summary.byKind[kind][status] ?? 0) + 1;
    const allowed = withKey ? [401, 413, 429] : [401, 413];
    if (!allowed.includes(status) || !envelopeOk(anthropic, status, parsed)) {
      if (summary.badEnvelope.length < 20)
        summary.badEnvelope.push({ kind, status, text: text.slice(0, 300) });
    }
  } catch (error) {
    if (summary.networkErrors.length < 20)
      summary.networkErrors.push({ kind, error: String(error.code ?? error.message) });
  }
  if (!announcedLoad && mode === 'load') {
    announcedLoad = true;
    process.stdout.write('loaded\n');
  }
}

async function worker() {
  while (!stopping && summary.sent < MAX_REQUESTS) {
    if (mode !== 'load') {
      await sleep(20);
      continue;
    }
    // paced: `rate` requests a second across all workers
    const slot = Math.max(nextSlot, Date.now());
    nextSlot = slot + 1000 / rate;
    if (slot > Date.now()) await sleep(slot - Date.now());
    if (stopping || mode !== 'load') continue;
    const index = summary.sent;
    summary.sent += 1;
    inFlight += 1;
    await one(index);
    inFlight -= 1;
    if (awaitingIdle && inFlight === 0) {
      awaitingIdle = false;
      process.stdout.write('idle\n');
    }
  }
}

const workers = Array.from({ length: CONCURRENCY }, () => worker());
createInterface({ input: process.stdin }).on('line', (line) => {
  const command = line.trim();
  if (command === 'load') {
    announcedLoad = false;
    nextSlot = Date.now();
    mode = 'load';
  } else if (command === 'quiet') {
    // answers `idle` once the requests already sent have been answered
    mode = 'quiet';
    if (inFlight === 0) process.stdout.write('idle\n');
    else awaitingIdle = true;
  } else if (command === 'stop') {
    stopping = true;
    void Promise.all(workers).then(() => {
      const cpu = process.cpuUsage();
      summary.cpuSeconds = (cpu.user + cpu.system) / 1e6;
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      process.exit(0);
    });
  }
});
