import { claudeCodeSessionId } from './claude-code-session';

describe(claudeCodeSessionId.name, () => {
  it('reads X-Claude-Code-Session-Id', () => {
    expect(claudeCodeSessionId({ 'x-claude-code-session-id': ' 54c1eb09-bc4c ' })).toBe('54c1eb09-bc4c');
  });

  it('is null without it', () => {
    expect(claudeCodeSessionId({})).toBeNull();
    expect(claudeCodeSessionId({ 'x-claude-code-session-id': '' })).toBeNull();
  });
});
