import { isAnthropicRoute } from './anthropic-exception.filter';

describe(isAnthropicRoute.name, () => {
  it.each([
    ['/v1/messages', true],
    ['/v1/messages?beta=true', true],
    ['/messages', true],
    ['/v1/messages/count_tokens?beta=true', true],
    ['/v1/chat/completions', false],
    ['/v1/messages-archive', false],
    ['/health', false],
  ])('%s → %s', (url, expected) => {
    expect(isAnthropicRoute(url)).toBe(expected);
  });
});
