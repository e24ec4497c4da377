import {
  DEFAULT_DIMENSION_WEIGHTS,
  DEFAULT_TOKEN_THRESHOLDS,
  resolveComplexitySettings,
} from './complexity-settings';
import {
  codePresenceRaw,
  DimensionScorer,
  estimateTokens,
  findMultiStepPatterns,
  questionComplexityRaw,
  reasoningMarkersRaw,
  simpleIndicatorsRaw,
  technicalTermsRaw,
  tokenCountRaw,
} from './dimensions';
import { TUNED_CONFIG } from './__fixtures__/routers';
import { ComplexityRouterConfig } from './router-config';

describe('raw dimension scores', () => {
  it('tokenCount: −1 below the simple threshold, +1 above the complex one, else 0', () => {
    expect(tokenCountRaw(14, DEFAULT_TOKEN_THRESHOLDS)).toBe(-1);
    expect(tokenCountRaw(15, DEFAULT_TOKEN_THRESHOLDS)).toBe(0);
    expect(tokenCountRaw(400, DEFAULT_TOKEN_THRESHOLDS)).toBe(0);
    expect(tokenCountRaw(401, DEFAULT_TOKEN_THRESHOLDS)).toBe(1);
    expect(tokenCountRaw(5, { simple: 3, complex: 4 })).toBe(1);
  });

  it('estimates tokens as floor(code points / 4)', () => {
    expect(estimateTokens('abcdefg')).toBe(1);
    expect(estimateTokens('abcdefgh')).toBe(2);
    expect(estimateTokens('😀'.repeat(7))).toBe(1); // 14 UTF-16 units, 7 code points
  });

  it('codePresence: 0, 0.5, 1.0', () => {
    expect([0, 1, 2, 9].map(codePresenceRaw)).toEqual([0, 0.5, 1, 1]);
  });

  it('reasoningMarkers: 0, 0.7, 1.0', () => {
    expect([0, 1, 2, 5].map(reasoningMarkersRaw)).toEqual([0, 0.7, 1, 1]);
  });

  it('technicalTerms: 0 for up to one, 0.5 for two or three, 1.0 from four', () => {
    expect([0, 1, 2, 3, 4, 7].map(technicalTermsRaw)).toEqual([0, 0, 0.5, 0.5, 1, 1]);
  });

  it('simpleIndicators: −1.0 for any match', () => {
    expect([0, 1, 3].map(simpleIndicatorsRaw)).toEqual([0, -1, -1]);
  });

  it('questionComplexity: 0.5 only for more than three question marks', () => {
    expect([0, 3, 4].map(questionComplexityRaw)).toEqual([0, 0, 0.5]);
  });
});

describe(findMultiStepPatterns.name, () => {
  it.each([
    ['First read the file, then fix it', ['first.*?then']],
    ['FIRST build; THEN deploy', ['first.*?then']],
    ['firstly we thenceforth', ['first.*?then']], // no word boundaries
    ['first\nthen', []], // not across a newline
    ['first\rthen', ['first.*?then']], // Python's . matches \r
    ['Step 1 is easy', ['step\\s*\\d']],
    ['step3', ['step\\s*\\d']],
    ['Do 1. this', ['\\d+\\.\\s']],
    ['Do ٣. this', ['\\d+\\.\\s']], // Python's \d is any decimal digit
    ['Version 1.2 ships', []],
    ['a) one b) two', ['[a-z]\\)\\s']],
    ['B) two', ['[a-z]\\)\\s']],
    ['f(a)x', []],
    ['1.\x1cx', ['\\d+\\.\\s']], // Python's \s includes the file separators
    ['Hello there', []],
  ])('%j → %j', (text, expected) => {
    expect(findMultiStepPatterns(text)).toEqual(expected);
  });
});

function scorerOf(config: unknown): DimensionScorer {
  return new DimensionScorer(resolveComplexitySettings('r', ComplexityRouterConfig.parse(config)));
}

describe(DimensionScorer.name, () => {
  it('sums raw × weight in the dimensions order, in IEEE doubles', () => {
    const sut = scorerOf(TUNED_CONFIG);
    const result = sut.score(
      'Explain your reasoning for this authentication architecture. First, analyze the distributed design, then implement the container orchestration layer.',
      null,
    );
    expect(result.score).toBe(0.595);
    expect(result.score).toBe(0 + 0.5 * 0.1 + 0.7 * 0.4 + 1 * 0.25 + 0 + 0.5 * 0.03 + 0);
    expect(result.dimensions.map((dimension) => dimension.name)).toEqual([
      'tokenCount',
      'codePresence',
      'reasoningMarkers',
      'technicalTerms',
      'simpleIndicators',
      'multiStepPatterns',
      'questionComplexity',
    ]);
    expect(result.dimensions[3]).toEqual({
      name: 'technicalTerms',
      raw: 1,
      weight: 0.25,
      matched: ['architecture', 'distributed', 'authentication', 'container', 'orchestration'],
    });
    expect(result.reasoningMatches).toBe(1);
  });

  it('uses the default weights without dimension_weights', () => {
    const sut = scorerOf({ tiers: { SIMPLE: 'a' } });
    const result = sut.score('Hello', null);
    expect(result.dimensions.map((dimension) => dimension.weight)).toEqual(
      Object.values(DEFAULT_DIMENSION_WEIGHTS),
    );
    expect(result.score).toBe(-1 * 0.1 + -1 * 0.05);
  });

  it('counts ? in the ask as written', () => {
    const sut = scorerOf({ tiers: { SIMPLE: 'a' } });
    expect(sut.score('Why? How? When? Where?', null).dimensions[6].raw).toBe(0.5);
    expect(sut.score('Why? How? When?', null).dimensions[6].raw).toBe(0);
  });

  it('ignores the system prompt unless score_system_prompt is on', () => {
    const system = 'You write TypeScript and Python; optimize database query performance and latency.';
    const off = scorerOf({ tiers: { SIMPLE: 'a' } }).score('Hello', system);
    expect(off.dimensions[1].matched).toEqual([]);
    const on = scorerOf({ tiers: { SIMPLE: 'a' }, score_system_prompt: true }).score('Hello', system);
    expect(on.dimensions[1].matched).toEqual(['database', 'query', 'optimize', 'python', 'typescript']);
    expect(on.dimensions[3].matched).toEqual(['performance', 'latency']);
  });

  it('with score_system_prompt, still reads reasoning, token count and ? from the ask alone', () => {
    const sut = scorerOf({ tiers: { SIMPLE: 'a' }, score_system_prompt: true });
    const system = `Think step by step and show your work. First plan, then act. ${'x'.repeat(4000)} ????`;
    const result = sut.score('Hello', system);
    expect(result.dimensions[2].matched).toEqual([]); // reasoning: the ask only
    expect(result.dimensions[0].raw).toBe(-1); // token count of "Hello", not of the system prompt
    expect(result.dimensions[6].raw).toBe(0); // the ? are in the system prompt
    expect(result.dimensions[5].matched).toEqual(['first.*?then']); // multi-step scans system + ask
    expect(result.dimensions[4].matched).toEqual(['hello']);
  });

  it('with score_system_prompt, joins system and ask with one space', () => {
    const sut = scorerOf({
      tiers: { SIMPLE: 'a' },
      score_system_prompt: true,
      technical_keywords: ['pull request'],
    });
    expect(sut.score('request review', 'Open a pull').dimensions[3].matched).toEqual(['pull request']);
  });
});
