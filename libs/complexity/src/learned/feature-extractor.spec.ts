import { FeatureExtractor, MAX_SCANNED_CHARACTERS, isPastedLine } from './feature-extractor';
import { DEFAULT_FEATURE_OPTIONS, FEATURE_GROUPS, type FeatureGroup } from './feature-options';

/** The names of the features of `text` (of one group, when given). */
function namesOf(text: string, group?: FeatureGroup, sut = new FeatureExtractor()): string[] {
  const vector = sut.extract(text);
  const names: string[] = [];
  for (let slot = 0; slot < vector.length; slot += 1) {
    if (group === undefined || vector.groupOf(slot) === group) names.push(vector.nameOf(slot));
  }
  return names;
}

/** The bucket set of `text`. */
function bucketsOf(text: string, sut = new FeatureExtractor()): Set<number> {
  const vector = sut.extract(text);
  return new Set(vector.indices.slice(0, vector.length));
}

describe(FeatureExtractor.name, () => {
  it('folds case, plurals and inflections into one word feature', () => {
    const sut = new FeatureExtractor();
    expect(namesOf('Fix the CACHED queries', 'word', sut)).toEqual([
      'word:fix',
      'word:the',
      'word:cached',
      'word:queries',
    ]);
    const words = (text: string): Set<number> => {
      const vector = sut.extract(text);
      const buckets = new Set<number>();
      for (let slot = 0; slot < vector.length; slot += 1) {
        if (vector.groupOf(slot) === 'word') buckets.add(vector.indices[slot]);
      }
      return buckets;
    };
    expect(words('caching the query')).toEqual(words('Cached THE queries'));
    expect(words('Deadlocks')).toEqual(words('deadlock'));
  });

  it('keeps word forms apart without stemming', () => {
    const sut = new FeatureExtractor({ ...DEFAULT_FEATURE_OPTIONS, stem: false, groups: ['word'] });
    expect(bucketsOf('deadlocks', sut)).not.toEqual(bucketsOf('deadlock', sut));
    const stemming = new FeatureExtractor({ ...DEFAULT_FEATURE_OPTIONS, groups: ['word'] });
    expect(bucketsOf('deadlocks', stemming)).toEqual(bucketsOf('deadlock', stemming));
  });

  it('makes bigrams of adjacent words and character n-grams inside words', () => {
    expect(namesOf('root cause', 'bigram')).toEqual(['bigram:root cause']);
    expect(namesOf('go', 'subword')).toEqual(['subword:<go', 'subword:<go>', 'subword:go>']);
    expect(namesOf('lock', 'subword')).toEqual(
      expect.arrayContaining([
        'subword:<lo',
        'subword:loc',
        'subword:ock',
        'subword:ck>',
        'subword:<loc',
        'subword:ock>',
      ]),
    );
  });

  it('counts fenced code blocks, their lines and language', () => {
    const ask =
      'why is this slow?\n```python\nfor row in rows:\n    total += row.price\n```\nand\n```\nSELECT 1;\n```';
    const names = namesOf(ask, 'code');
    expect(names).toEqual(
      expect.arrayContaining(['code:python', 'code:fenced-blocks=2', 'code:fenced-lines=3-5']),
    );
    expect(namesOf('rename foo to bar', 'code')).toContain('code:fenced-blocks=0');
  });

  it('recognises stack traces of several languages', () => {
    const javascript =
      'TypeError: x is undefined\n    at render (src/app.tsx:10:5)\n    at main (src/index.ts:3:1)';
    expect(namesOf(javascript, 'error')).toEqual(
      expect.arrayContaining(['error:trace:at-frame', 'error:trace-lines=2-3', 'error:error-lines=1']),
    );
    const python =
      'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\nValueError: bad';
    expect(namesOf(python, 'error')).toContain('error:trace:python');
    const go = 'panic: nil map\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:31 +0x85';
    expect(namesOf(go, 'error')).toContain('error:trace:go');
    const rust = 'error[E0382]: borrow of moved value: `v`\n --> src/main.rs:4:20';
    expect(namesOf(rust, 'error')).toContain('error:trace:rustc');
    expect(namesOf('thanks!', 'error')).toEqual([
      'error:trace-lines=0',
      'error:error-lines=0',
      'error:log-lines=0',
    ]);
  });

  it('counts distinct file paths and module paths', () => {
    const names = namesOf(
      'move the retry logic from reader.rs, pipeline.rs and sink.rs into src/ingest/retry',
      'path',
    );
    expect(names).toEqual(expect.arrayContaining(['path:.rs', 'path:files=4-5', 'path:directories=1']));
    expect(namesOf('fix the typo in README.md', 'path')).toContain('path:files=1');
    expect(namesOf('tcp/ip and and/or are not paths', 'path')).toContain('path:files=0');
  });

  it('reads scripts written without spaces as character n-grams', () => {
    const names = namesOf('为什么查询很慢', 'script');
    expect(names).toEqual(
      expect.arrayContaining(['script:为', 'script:为什', 'script:为什么', 'script:很慢']),
    );
    expect(namesOf('为什么查询很慢', 'word')).toEqual([]);
    expect(namesOf('クエリが遅い', 'script')).toContain('script:クエ');
    expect(namesOf('쿼리가 느려요', 'script')).toContain('script:쿼리');
  });

  it('maps question forms of any language to one concept', () => {
    expect(namesOf('why does it hang?', 'question')).toEqual(
      expect.arrayContaining(['question:why', 'question:marks=1', 'question:ends-with-mark']),
    );
    expect(namesOf('warum hängt das manchmal', 'question')).toEqual(
      expect.arrayContaining(['question:why', 'question:intermittent']),
    );
    expect(namesOf('为什么有时候会超时', 'question')).toEqual(
      expect.arrayContaining(['question:why', 'question:intermittent']),
    );
    expect(namesOf('is this safe under concurrent writes', 'question')).toContain('question:safety');
    // word boundaries: "canvas" holds "vs", "whyte" holds "why".
    expect(namesOf('draw on the canvas for mr whyte', 'question')).toEqual(['question:marks=0']);
  });

  it('buckets the length of the ask in words, prose and code apart', () => {
    expect(namesOf('thanks', 'length')).toEqual(
      expect.arrayContaining(['length:prose-words=1', 'length:code-words=0', 'length:lines=1']),
    );
    const paste = `fix this\n\`\`\`ts\n${'const value = compute(input);\n'.repeat(10)}\`\`\``;
    expect(namesOf(paste, 'length')).toEqual(
      expect.arrayContaining(['length:prose-words=2', 'length:code-words=17-64']),
    );
  });

  it('takes the first word and the first two words as lead features', () => {
    expect(namesOf('Rename the function', 'lead')).toEqual(['lead:rename', 'lead:rename the']);
  });

  it('switches groups off', () => {
    const sut = new FeatureExtractor({ ...DEFAULT_FEATURE_OPTIONS, groups: ['word'] });
    const vector = sut.extract('Why is main.go slow?\n```go\nfunc main() {}\n```');
    for (let slot = 0; slot < vector.length; slot += 1) expect(vector.groupOf(slot)).toBe('word');
  });

  it('sets each bucket once and scales each n-gram group to unit length', () => {
    const vector = new FeatureExtractor().extract('test the test and test it');
    const buckets = vector.indices.slice(0, vector.length);
    expect(new Set(buckets).size).toBe(vector.length);
    for (const group of ['word', 'bigram', 'subword'] as const) {
      let squares = 0;
      for (let slot = 0; slot < vector.length; slot += 1) {
        if (vector.groupOf(slot) === group) squares += vector.values[slot] ** 2;
      }
      expect(squares).toBeCloseTo(1, 5);
    }
  });

  it('reads only the first 16 K characters of a very long ask', () => {
    const sut = new FeatureExtractor();
    const head = 'why does the worker deadlock?\n'.repeat(600).slice(0, MAX_SCANNED_CHARACTERS);
    const long = `${head}${'and another unrelated tail word '.repeat(20_000)}`;
    expect(sut.extract(long).toSparse()).toEqual(sut.extract(head).toSparse());
  });

  it('gives the same features for the same text, with a reused vector or a fresh one', () => {
    const sut = new FeatureExtractor();
    const first = sut.extract('Design a sharded job queue with exactly-once delivery').toSparse();
    sut.extract('something else entirely');
    const again = sut.extract('Design a sharded job queue with exactly-once delivery').toSparse();
    expect(again).toEqual(first);
    expect(FEATURE_GROUPS).toHaveLength(11);
  });
});

describe('task cues (the cue group)', () => {
  const sut = new FeatureExtractor({ ...DEFAULT_FEATURE_OPTIONS, groups: ['cue'], pasteWords: 'skip' });

  it('maps a task asked in any language to one concept', () => {
    for (const ask of [
      'rename HEARTBEAT_MS to HEARTBEAT_INTERVAL_MS',
      'Benenne die Konstante HEARTBEAT_MS um',
      'renomme la constante HEARTBEAT_MS',
      'переименуй константу HEARTBEAT_MS',
      '把常量 HEARTBEAT_MS 重命名',
    ]) {
      expect(namesOf(ask, 'cue', sut)).toContain('cue:rename');
    }
    expect(namesOf('Migriere das Projekt von Webpack auf Vite', 'cue', sut)).toEqual(['cue:migrate']);
    expect(namesOf('证明这个贪心算法不总是最优', 'cue', sut)).toEqual(['cue:prove', 'cue:algorithm']);
  });

  it('matches stems at a word start and whole words at both ends', () => {
    expect(namesOf('the migration plan', 'cue', sut)).toEqual(['cue:migrate']);
    expect(namesOf('immigration data', 'cue', sut)).toEqual([]);
    expect(namesOf('ty', 'cue', sut)).toEqual(['cue:thanks']);
    expect(namesOf('type it', 'cue', sut)).toEqual([]);
  });

  it('reads the user’s words only, never fenced code or pasted tool output', () => {
    const ask = '```\nfunction renameUser() {}\n```\n$ npm test\nFAIL src/migrate.test.ts\nexplain this';
    expect(namesOf(ask, 'cue', sut)).toEqual(['cue:explain']);
  });
});

describe('contextValue', () => {
  it('gives code and error features that value and leaves the others at theirs', () => {
    const ask = '```\nconst a = 1;\n```\nTypeError: x\n    at f (a.ts:1:1)\nfix it';
    const weak = new FeatureExtractor({ ...DEFAULT_FEATURE_OPTIONS, contextValue: 0.25 });
    const vector = weak.extract(ask);
    for (let slot = 0; slot < vector.length; slot += 1) {
      const group = vector.groupOf(slot);
      if (group === 'code' || group === 'error') expect(vector.values[slot]).toBe(0.25);
      if (group === 'length' || group === 'lead') expect(vector.values[slot]).toBe(1);
    }
  });
});

describe('pasted tool output (pasteWords)', () => {
  it('reads the words of unfenced pasted lines as code with skip, and as prose by default', () => {
    const ask = '$ npm test\nFAIL src/cart.test.ts\nTypeError: cannot read id\nfix the coupon';
    const skipping = new FeatureExtractor({
      ...DEFAULT_FEATURE_OPTIONS,
      pasteWords: 'skip',
      codeWords: 'skip',
    });
    const reading = new FeatureExtractor({ ...DEFAULT_FEATURE_OPTIONS, codeWords: 'skip' });
    expect(namesOf(ask, 'word', skipping)).toEqual(['word:fix', 'word:the', 'word:coupon']);
    expect(namesOf(ask, 'word', reading)).toEqual(expect.arrayContaining(['word:npm', 'word:typeerror']));
  });

  it('knows tool output lines from prose', () => {
    for (const line of [
      '$ npm test',
      'at handler (src/api.ts:3:1)',
      'typeerror: cannot read properties of null',
      'src/queue.ts:42: error ts2345: x',
      'tests: 14 passed, 14 total',
      '{"ok": true}',
      'panic: runtime error: index out of range',
    ]) {
      expect(isPastedLine(line)).toBe(true);
    }
    for (const line of ['fix the bug in getuser', 'the error: the page crashes', 'why is it slow?']) {
      expect(isPastedLine(line)).toBe(false);
    }
  });
});
