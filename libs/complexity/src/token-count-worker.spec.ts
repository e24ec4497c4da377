import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const REPOSITORY = join(__dirname, '../../..');

/** A fresh copy of the tokenizer module (its worker setting is module state). */
function freshTokenizer(): typeof import('./tokenizer') {
  let module: typeof import('./tokenizer') | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    module = require('./tokenizer') as typeof import('./tokenizer');
  });
  return module!;
}

describe('token counts on a worker thread (offloadTokenCounts)', () => {
  const opencode = readFileSync(join(REPOSITORY, 'test/fixtures/opencode-chat-request.json'), 'utf8');
  const texts = [opencode, 'Hello, world! <|endoftext|> is plain text here.', '漢字のテキスト'.repeat(300)];

  it('counts on the worker exactly what the in-process count counts, sampled counts too', async () => {
    const inProcess = freshTokenizer();
    const expected = await inProcess.countTokensOfTexts(texts);
    const sampled = await inProcess.countTokensOfTexts([opencode.repeat(12)], { budget: 64 * 1024 });

    const offloaded = freshTokenizer();
    const worker = offloaded.offloadTokenCounts(60_000);
    try {
      const count = jest.spyOn(worker, 'count');
      expect(await offloaded.countTokensOfTexts(texts)).toBe(expected);
      expect(await offloaded.countTokensOfTexts([opencode.repeat(12)], { budget: 64 * 1024 })).toBe(sampled);
      // every piece went to the one worker
      expect(count).toHaveBeenCalled();
      expect(worker.started).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it('starts the worker on the first count, not when the service starts', async () => {
    const expected = await freshTokenizer().countTokens('The first count of a service.');
    const offloaded = freshTokenizer();
    const worker = offloaded.offloadTokenCounts(60_000);
    try {
      expect(worker.isRunning).toBe(false);
      expect(worker.started).toBe(0);
      expect(await offloaded.countTokens('The first count of a service.')).toBe(expected);
      expect(worker.isRunning).toBe(true);
      expect(worker.started).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it('holds the process open while a count is pending and never while the worker is idle', async () => {
    const ports = () => process.getActiveResourcesInfo().filter((type) => type === 'MessagePort').length;
    const before = ports();
    const offloaded = freshTokenizer();
    const worker = offloaded.offloadTokenCounts(60_000);
    try {
      const counting = worker.count(['a process waiting for this count does not exit']);
      expect(ports()).toBe(before + 1);
      await counting;
      expect(worker.isRunning).toBe(true);
      expect(ports()).toBe(before);
    } finally {
      await worker.stop();
    }
  });

  it('stops the worker after the idle time and starts a new one for the next count', async () => {
    const offloaded = freshTokenizer();
    const worker = offloaded.offloadTokenCounts(200);
    try {
      expect(await offloaded.countTokens('one')).toBe(1);
      expect(worker.isRunning).toBe(true);
      for (let waited = 0; worker.isRunning && waited < 5000; waited += 50) await sleep(50);
      expect(worker.isRunning).toBe(false);
      expect(await offloaded.countTokens('two words')).toBe(2);
      expect(worker.started).toBe(2);
    } finally {
      await worker.stop();
    }
  });

  it('rejects what a stopped worker had pending', async () => {
    const offloaded = freshTokenizer();
    const worker = offloaded.offloadTokenCounts(60_000);
    const rejected = expect(worker.count(['never answered'])).rejects.toThrow('stopped');
    await worker.stop();
    await rejected;
  });

  it('still counts when a worker fails: once on a new worker, then in process', async () => {
    const expected = await freshTokenizer().countTokensOfTexts([opencode]);
    for (const failures of [1, Infinity]) {
      const offloaded = freshTokenizer();
      const worker = offloaded.offloadTokenCounts(60_000);
      const original = worker.count.bind(worker);
      const count = jest.spyOn(worker, 'count');
      let failed = 0;
      count.mockImplementation((pieces) => {
        if (failed >= failures) return original(pieces);
        failed += 1;
        return Promise.reject(new Error('the token count worker exited with code 1'));
      });
      try {
        expect(await offloaded.countTokensOfTexts([opencode])).toBe(expected);
        expect(count.mock.calls.length).toBeGreaterThan(1);
      } finally {
        count.mockRestore();
        await worker.stop();
      }
    }
  });
});
