import type { FastifyRequest } from 'fastify';
import { extractApiKey } from './extract-api-key';

function request(url: string, headers: Record<string, string> = {}): FastifyRequest {
  return { url, headers } as unknown as FastifyRequest;
}

describe('extractApiKey', () => {
  it.each([
    [request('/v1/chat/completions', { authorization: 'Bearer sk-a' }), 'sk-a'],
    [request('/v1/messages', { 'x-api-key': 'sk-b' }), 'sk-b'],
    [request('/v1beta/models/x:generateContent', { 'x-goog-api-key': 'sk-c' }), 'sk-c'],
    [request('/v1beta/models/x:streamGenerateContent?alt=sse&key=sk-d'), 'sk-d'],
    [request('/v1/models/x:generateContent?key=sk-e'), 'sk-e'],
  ])('finds the key of %j', (given, key) => {
    expect(extractApiKey(given)).toBe(key);
  });

  it('reads ?key= on the Gemini routes only', () => {
    expect(extractApiKey(request('/v1/chat/completions?key=sk-f'))).toBeNull();
    expect(extractApiKey(request('/v1/models?key=sk-f'))).toBeNull();
  });
});
