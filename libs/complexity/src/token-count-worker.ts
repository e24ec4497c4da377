import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program: it loads the tokenizer's tables (its own copy, off the caller's
 * event loop) and answers each batch of pieces with their token count. Plain JavaScript run with
 * `eval`, so it needs no build step and the same code runs from `dist/` and under the tests.
 */
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const { countTokens } = require(workerData.tokenizer);
const plain = { disallowedSpecial: new Set() };
parentPort.on('message', ({ id, pieces }) => {
  let total = 0;
  for (const piece of pieces) total += countTokens(piece, plain);
  parentPort.postMessage({ id, total });
});
`;

interface Pending {
  resolve(total: number): void;
  reject(error: Error): void;
}

/**
 * Token counts on a worker thread that holds the tokenizer's tables (about 70 MB and a second of
 * CPU to load). Started on the first count, so a service that never counts never pays for the
 * tables; stopped after `idleMs` without a count, which gives most of that memory back. A count
 * waits for the worker, never holds the caller's event loop. A worker that fails rejects what it
 * had; the next count starts a new one.
 */
export class TokenCountWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  /** workers started so far (a test's and a metric's view of the lifecycle). */
  started = 0;

  constructor(private readonly idleMs: number) {}

  /** The tokens of `pieces` together (each already cut to a size the tokenizer merges quickly). */
  count(pieces: readonly string[]): Promise<number> {
    if (pieces.length === 0) return Promise.resolve(0);
    const worker = this.running();
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      // held while a count is pending (a process waiting for one does not exit), let go when idle
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, pieces });
    });
  }

  /** Whether a worker is running now. */
  get isRunning(): boolean {
    return this.worker !== null;
  }

  /** Stops the worker now (what it had pending is rejected). */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.forget(new Error('the token count worker was stopped'));
    await worker?.terminate();
  }

  private running(): Worker {
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    if (this.worker !== null) return this.worker;
    const worker = new Worker(PROGRAM, {
      eval: true,
      workerData: { tokenizer: require.resolve('gpt-tokenizer') },
    });
    worker.on('message', ({ id, total }: { id: number; total: number }) => {
      this.pending.get(id)?.resolve(total);
      this.pending.delete(id);
      if (this.pending.size === 0) {
        worker.unref();
        if (this.worker === worker) this.idleAfter(worker);
      }
    });
    worker.on('error', (error) => {
      if (this.worker === worker) this.forget(error);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.forget(new Error(`the token count worker exited with code ${code}`));
    });
    // after the listeners (adding a 'message' listener refs the worker again): an idle worker is
    // never what keeps a process alive; `count` refs it while a count is pending
    worker.unref();
    this.worker = worker;
    this.started += 1;
    return worker;
  }

  private idleAfter(worker: Worker): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.worker !== worker || this.pending.size > 0) return;
      this.worker = null;
      void worker.terminate();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private forget(error: Error): void {
    this.worker = null;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const waiting of pending) waiting.reject(error);
  }
}
