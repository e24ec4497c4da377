import { PullLoop, type Pull } from './pull-loop';

/** A pull whose messages the test hands out; `end()` ends it as the server would, `stop()` as the client does. */
class ScriptedPull implements Pull<string> {
  stopped = false;
  private readonly queue: (string | null)[] = [];
  private wake: (() => void) | null = null;

  deliver(...messages: (string | null)[]): this {
    this.queue.push(...messages);
    this.wake?.();
    return this;
  }

  end(): this {
    return this.deliver(null);
  }

  stop(): void {
    this.stopped = true;
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      if (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      const message = this.queue.shift();
      if (message === null || message === undefined) return;
      yield message;
    }
  }
}

function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`never: ${what}`));
      else setTimeout(check, 5);
    };
    check();
  });
}

function receiving(received: string[], released: string[] = []) {
  return {
    receive: async (message: string) => {
      received.push(message);
    },
    release: (message: string) => released.push(message),
  };
}

describe('PullLoop', () => {
  const warnings: string[] = [];
  const options = { silenceMs: 100, retryMs: 20, warn: (message: string) => warnings.push(message) };
  let loop: PullLoop<string> | null = null;

  beforeEach(() => (warnings.length = 0));
  afterEach(() => loop?.stop());

  function start(pulls: (() => Pull<string>)[], received: string[], released: string[] = []) {
    let sent = 0;
    loop = new PullLoop(
      async () => {
        const next = pulls[Math.min(sent, pulls.length - 1)];
        sent += 1;
        return next();
      },
      receiving(received, released),
      options,
    );
    loop.start();
    return { sent: () => sent };
  }

  it('sends the next pull when one ends', async () => {
    const received: string[] = [];
    const first = new ScriptedPull().deliver('a', 'b').end();
    const second = new ScriptedPull().deliver('c');
    const pulls = start([() => first, () => second, () => new ScriptedPull()], received);

    await until(() => received.length === 3, 'three messages');

    expect(received).toEqual(['a', 'b', 'c']);
    expect(pulls.sent()).toBe(2);
    expect(warnings).toEqual([]);
  });

  it('abandons a pull the server lost and reads the next', async () => {
    const received: string[] = [];
    const lost = new ScriptedPull().deliver('a'); // then nothing, and never its end
    const next = new ScriptedPull().deliver('b');
    start([() => lost, () => next], received);

    await until(() => received.length === 2, 'two messages');

    expect(received).toEqual(['a', 'b']);
    expect(lost.stopped).toBe(true);
    expect(warnings).toEqual(['a pull was silent for 100 ms; pulling again']);
  });

  it('does not time a pull while a message is being received', async () => {
    const received: string[] = [];
    const pull = new ScriptedPull().deliver('slow', 'next');
    loop = new PullLoop(
      async () => pull,
      {
        receive: async (message) => {
          if (message === 'slow') await new Promise((resolve) => setTimeout(resolve, 3 * options.silenceMs));
          received.push(message);
        },
        release: () => undefined,
      },
      options,
    );
    loop.start();

    await until(() => received.length === 2, 'two messages');

    expect(received).toEqual(['slow', 'next']);
    expect(pull.stopped).toBe(false);
  });

  it('pulls again after a pull fails to be sent or fails while read', async () => {
    const received: string[] = [];
    let attempt = 0;
    const afterFailures: boolean[] = [];
    loop = new PullLoop(
      async (afterFailure) => {
        afterFailures.push(afterFailure);
        attempt += 1;
        if (attempt === 1) throw new Error('no responders');
        if (attempt === 2) {
          return {
            stop: () => undefined,
            // eslint-disable-next-line require-yield
            async *[Symbol.asyncIterator]() {
              throw new Error('consumer deleted');
            },
          };
        }
        return new ScriptedPull().deliver(`pull ${attempt}`);
      },
      receiving(received),
      options,
    );
    loop.start();

    await until(() => received.length === 1, 'the third pull read');

    expect(received).toEqual(['pull 3']);
    expect(afterFailures).toEqual([false, true, true]); // each pull after a failure is told so
    expect(warnings).toEqual([
      'a pull failed (no responders); pulling again',
      'a pull failed (consumer deleted); pulling again',
    ]);
  });

  it('stops the pull being read, at once, and sends no other', async () => {
    const received: string[] = [];
    const pull = new ScriptedPull().deliver('a');
    const pulls = start([() => pull], received);
    await until(() => received.length === 1, 'the first message');

    await loop?.stop();

    expect(pull.stopped).toBe(true);
    expect(pulls.sent()).toBe(1);
    expect(warnings).toEqual([]); // stopped by stop(), not by its silence
  });

  it('finishes the message being received when stopped, and releases the ones behind it', async () => {
    const received: string[] = [];
    const released: string[] = [];
    let finish = () => {};
    let started = false;
    const pull = new ScriptedPull().deliver('first', 'second', 'third');
    loop = new PullLoop(
      async () => pull,
      {
        receive: async (message) => {
          if (message === 'first') {
            started = true;
            await new Promise<void>((resolve) => (finish = resolve));
          }
          received.push(message);
        },
        release: (message) => released.push(message),
      },
      options,
    );
    loop.start();
    await until(() => started, 'the first message being received');

    const stopped = loop.stop();
    finish();
    await stopped;

    expect(received).toEqual(['first']);
    expect(released).toEqual(['second', 'third']);
  });
});
