import { setTimeout as sleep } from 'node:timers/promises';

/** One pull request's messages, as nats.js's `Consumer.fetch` returns them. */
export interface Pull<T> extends AsyncIterable<T> {
  stop(error?: Error): void;
}

export interface PullLoopOptions {
  /** a pull that has delivered nothing, not even its end, for this long is abandoned. */
  silenceMs: number;
  /** pause before pulling again after a pull could not be sent or failed. */
  retryMs: number;
  warn(message: string): void;
}

export interface PullHandler<T> {
  receive(message: T): Promise<void>;
  /** a message that arrived but will not be received (the loop was stopped): hand it back. */
  release(message: T): void;
}

/**
 * One pull request after another, each read to its end, until `stop()`. The server ends every
 * pull by its lifetime, so a pull silent for longer than `silenceMs` is one the server lost (its
 * node died) or the client miscounted: it is abandoned and a new one sent. A pull that fails is
 * sent again after `retryMs`. So nothing that happens to one pull leaves the reader idle while
 * messages wait. While `receive` works on a message the pull is not timed (its next messages wait
 * in the client), and no new pull is sent before the last has ended (backpressure).
 */
export class PullLoop<T> {
  private current: Pull<T> | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(
    /** sends the next pull; `afterFailure` when the last one failed (a cue to check what it reads). */
    private readonly pull: (afterFailure: boolean) => Promise<Pull<T>>,
    private readonly handler: PullHandler<T>,
    private readonly options: PullLoopOptions,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Stops pulling; returns when the message being received, if any, has been received, and the
   * messages that had arrived after it have been released.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.stop();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failed = false;
    while (!this.stopped) {
      try {
        this.current = await this.pull(failed);
        failed = false;
        if (this.stopped) {
          this.current.stop(); // before it is read, so its request is never sent
          break;
        }
        await this.read(this.current);
      } catch (error) {
        if (this.stopped) break;
        failed = true;
        this.options.warn(`a pull failed (${(error as Error).message}); pulling again`);
        await sleep(this.options.retryMs);
      }
    }
  }

  private async read(pull: Pull<T>): Promise<void> {
    let silence: NodeJS.Timeout | null = null;
    const listen = () => {
      silence = setTimeout(() => {
        this.options.warn(`a pull was silent for ${this.options.silenceMs} ms; pulling again`);
        pull.stop();
      }, this.options.silenceMs);
    };
    listen();
    try {
      for await (const message of pull) {
        if (silence !== null) clearTimeout(silence);
        silence = null;
        if (this.stopped) {
          this.handler.release(message); // the stopped pull ends after what it holds
          continue;
        }
        await this.handler.receive(message);
        if (!this.stopped) listen();
      }
    } finally {
      if (silence !== null) clearTimeout(silence);
    }
  }
}
