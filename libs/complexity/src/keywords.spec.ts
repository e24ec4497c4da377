import {
  DEFAULT_CODE_KEYWORDS,
  DEFAULT_ESCALATION_KEYWORDS,
  DEFAULT_REASONING_KEYWORDS,
  DEFAULT_SIMPLE_KEYWORDS,
  DEFAULT_TECHNICAL_KEYWORDS,
} from './keywords';

describe('default keyword lists', () => {
  it('hold the reference counts, without duplicates', () => {
    for (const [list, count] of [
      [DEFAULT_CODE_KEYWORDS, 45],
      [DEFAULT_REASONING_KEYWORDS, 19],
      [DEFAULT_TECHNICAL_KEYWORDS, 28],
      [DEFAULT_SIMPLE_KEYWORDS, 26],
    ] as const) {
      expect(list).toHaveLength(count);
      expect(new Set(list).size).toBe(count);
    }
    expect(DEFAULT_ESCALATION_KEYWORDS).toEqual(['LITELLM ESCALATE']);
  });

  it('are lowercase, with ASCII apostrophes', () => {
    for (const keyword of [
      ...DEFAULT_CODE_KEYWORDS,
      ...DEFAULT_REASONING_KEYWORDS,
      ...DEFAULT_TECHNICAL_KEYWORDS,
      ...DEFAULT_SIMPLE_KEYWORDS,
    ]) {
      expect(keyword).toBe(keyword.toLowerCase());
      expect(keyword).not.toContain('’');
    }
    expect(DEFAULT_REASONING_KEYWORDS).toContain("let's think");
    expect(DEFAULT_SIMPLE_KEYWORDS).toContain("what's");
  });
});
