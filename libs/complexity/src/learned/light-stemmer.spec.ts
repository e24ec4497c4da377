import { stemOf, stemRule } from './light-stemmer';

describe(stemOf.name, () => {
  it.each([
    [['cache', 'caches', 'cached', 'caching'], 'cach'],
    [['deadlock', 'deadlocks', 'deadlocked'], 'deadlock'],
    [['study', 'studies', 'studied'], 'studi'],
    [['fix', 'fixes'], 'fix'],
    [['process', 'processes'], 'process'],
    [['run', 'runs', 'running'], 'run'],
    [['fail', 'fails', 'failed', 'failing'], 'fail'],
  ])('folds plurals and inflections: %j → %s', (words, stem) => {
    for (const word of words) expect(stemOf(word)).toBe(stem);
  });

  it('keeps words whose suffix is part of the stem', () => {
    expect(stemOf('string')).toBe('string');
    expect(stemOf('speed')).toBe('speed');
    expect(stemOf('status')).toBe('status');
    expect(stemOf('analysis')).toBe('analysis');
  });

  it('leaves short words and other scripts alone', () => {
    expect(stemOf('bus')).toBe('bus');
    expect(stemOf('ist')).toBe('ist');
    expect(stemOf('запросы')).toBe('запросы');
    expect(stemOf('größe')).toBe('größe');
  });

  it('reads a word in place inside a longer text', () => {
    const text = 'the caches were flushed';
    const rule = stemRule(text, 4, 10);
    expect(text.slice(4, rule >>> 1)).toBe('cach');
    expect(rule & 1).toBe(0);
  });
});
