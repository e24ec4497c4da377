import { DEFAULT_HOUSEKEEPING_PATTERNS, HousekeepingDetector } from './housekeeping';

describe(HousekeepingDetector.name, () => {
  const sut = new HousekeepingDetector(DEFAULT_HOUSEKEEPING_PATTERNS);

  it('recognises both Claude Code sentinels in the user turn and the OpenCode title system prompt', () => {
    expect(sut.detect([], 'x You are coming up with a succinct title for a coding session x')).toContain(
      'user turn',
    );
    expect(sut.detect([], 'Write the title in the predominant language of the session.')).toContain(
      'user turn',
    );
    expect(
      sut.detect(
        [
          {
            role: 'system',
            content: [{ type: 'text', text: 'You are a title generator. You output ONLY a title.' }],
          },
          { role: 'user', content: 'Hello' },
        ],
        'Hello',
      ),
    ).toBe('system prompt starts with "You are a title generator"');
  });

  it('ignores the title sentinels in a system prompt and the system prefix in a user turn', () => {
    expect(
      sut.detect(
        [
          { role: 'system', content: 'Write the title in the predominant language of the session' },
          { role: 'user', content: 'You are a title generator' },
        ],
        'You are a title generator',
      ),
    ).toBeNull();
  });

  it('is disabled with no patterns', () => {
    const none = new HousekeepingDetector([]);
    expect(none.enabled).toBe(false);
    expect(sut.enabled).toBe(true);
  });
});
