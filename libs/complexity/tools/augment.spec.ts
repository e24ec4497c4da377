import { augment, transformText } from './augment';
import type { CorpusAsk } from './routing-corpus';

const ASK: CorpusAsk = {
  id: 'a-medium:1',
  text: "Could you please write unit tests for the `slugify` function? It's in lib/strings.ts.",
  tier: 'MEDIUM',
  lang: 'en',
  source: 'a',
};

describe(transformText.name, () => {
  it('gives the same text for the same ask and transform', () => {
    for (const transform of ['lowercase', 'typos', 'terse', 'tool', 'verbose', 'issue'] as const) {
      expect(transformText(ASK.text, transform)).toBe(transformText(ASK.text, transform));
    }
  });

  it('lowercases and drops punctuation, drops filler words, and puts tool output before the ask', () => {
    expect(transformText(ASK.text, 'lowercase')).toBe(
      'could you please write unit tests for the `slugify` function? its in lib/strings.ts',
    );
    expect(transformText(ASK.text, 'terse')).toBe(
      "write unit tests for `slugify` function? it's in lib/strings.ts",
    );
    expect(transformText(ASK.text, 'tool').endsWith(`\n\n${ASK.text}`)).toBe(true);
    expect(transformText(ASK.text, 'verbose')).toContain(ASK.text);
    expect(transformText(ASK.text, 'issue')).toContain(`\n\n${ASK.text}`);
  });

  it('leaves fenced code as written', () => {
    const text = 'Fix This:\n```\nconst Value = 1;\n```';
    expect(transformText(text, 'lowercase')).toBe('fix this\n```\nconst Value = 1;\n```');
  });
});

describe(augment.name, () => {
  it('keeps the asks with weight 1 and adds one weighted, labelled copy per transform', () => {
    const weighted = augment([ASK], { transforms: ['lowercase', 'tool'], weight: 0.5 });
    expect(weighted.map((entry) => [entry.ask.id, entry.ask.tier, entry.weight])).toEqual([
      ['a-medium:1', 'MEDIUM', 1],
      ['a-medium:1~lowercase', 'MEDIUM', 0.5],
      ['a-medium:1~tool', 'MEDIUM', 0.5],
    ]);
    expect(augment([ASK], undefined)).toEqual([{ ask: ASK, weight: 1 }]);
  });
});
