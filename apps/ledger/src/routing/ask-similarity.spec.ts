import { SIMILAR_ASK_THRESHOLD, askSimilarity } from './ask-similarity';

describe('askSimilarity', () => {
  it('is 1 for the same words in another case and order', () => {
    expect(askSimilarity('Fix the flaky test', 'the FLAKY test: fix')).toBe(1);
  });

  it('counts a re-ask with a word more as similar, another ask as not', () => {
    expect(askSimilarity('rename tmp to buffer', 'rename tmp to buffer please')).toBeGreaterThanOrEqual(
      SIMILAR_ASK_THRESHOLD,
    );
    expect(askSimilarity('rename tmp to buffer', 'now write the release notes')).toBeLessThan(
      SIMILAR_ASK_THRESHOLD,
    );
  });

  it('reads words of any script', () => {
    expect(askSimilarity('修复 登录 错误', '修复 登录 错误')).toBe(1);
    expect(askSimilarity('Führ die Tests aus', 'führ die tests aus')).toBe(1);
  });
});
