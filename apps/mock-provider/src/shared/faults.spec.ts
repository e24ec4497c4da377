import { FaultRuleBook, parseFaultJson, resolveKnobs } from './faults';
import { MockHttpError } from './mock-http-error';

const defaults = { latencyMs: 5, chunkDelayMs: 2, streamChunks: 8 };

describe('resolveKnobs', () => {
  it('starts from the run defaults and lets later layers win', () => {
    const sut = resolveKnobs(defaults, [{ status: 500, chunks: 3 }, null, { status: 429, retryAfter: 2 }]);
    expect(sut.knobs).toMatchObject({ latencyMs: 5, chunkDelayMs: 2, chunks: 3, status: 429, retryAfter: 2 });
    expect(sut.applied).toEqual({ status: 429, chunks: 3, retryAfter: 2 });
  });

  it('reports no applied fault when no layer set one', () => {
    const sut = resolveKnobs(defaults, [null, null]);
    expect(sut.applied).toBeNull();
    expect(sut.knobs.chunks).toBe(8);
  });
});

describe('parseFaultJson', () => {
  it('rejects invalid JSON and unknown knobs with a 400', () => {
    expect(() => parseFaultJson('{oops', 'x-mock-fault header')).toThrow(MockHttpError);
    expect(() => parseFaultJson('{"stauts":429}', 'x-mock-fault header')).toThrow(/stauts|Unrecognized/);
    expect(parseFaultJson('{"status":429,"retryAfter":1}', 'x')).toEqual({ status: 429, retryAfter: 1 });
  });
});

describe(FaultRuleBook.name, () => {
  it('applies a times-limited rule to the next N matching requests only', () => {
    const sut = new FaultRuleBook();
    sut.replace([{ match: { model: 'gpt-5.5' }, times: 2, fault: { status: 429 } }]);
    expect(sut.take('openai', 'other')).toBeNull();
    expect(sut.take('openai', 'gpt-5.5')).toEqual({ status: 429 });
    expect(sut.take('openai', 'gpt-5.5')).toEqual({ status: 429 });
    expect(sut.take('openai', 'gpt-5.5')).toBeNull();
    expect(sut.list()).toEqual([]);
  });

  it('matches models by /regex/ and by format, first rule first, knobs inline or under fault', () => {
    const sut = new FaultRuleBook();
    sut.replace({
      rules: [
        { match: { model: '/^claude-/i', format: 'anthropic' }, status: 529 },
        { match: { format: 'gemini' }, fault: { safetyBlock: true } },
        { latencyMs: 1 },
      ],
    });
    expect(sut.take('anthropic', 'Claude-Sonnet-4-6')).toEqual({ status: 529 });
    expect(sut.take('openai', 'claude-sonnet-4-6')).toEqual({ latencyMs: 1 });
    expect(sut.take('gemini', 'gemini-2.5-pro')).toEqual({ safetyBlock: true });
    expect(sut.list().map((rule) => rule.hits)).toEqual([1, 1, 1]);
  });

  it('keeps the old rules when a replacement is invalid', () => {
    const sut = new FaultRuleBook();
    sut.replace([{ status: 500 }]);
    expect(() => sut.replace([{ match: { format: 'cohere' } }])).toThrow(MockHttpError);
    expect(() => sut.replace([{ match: { model: '/(/' } }])).toThrow(/invalid model pattern/);
    expect(sut.take('openai', 'x')).toEqual({ status: 500 });
  });
});
