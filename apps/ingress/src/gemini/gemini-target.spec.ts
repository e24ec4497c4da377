import { GatewayError } from '@switchyard/contracts';
import { parseGeminiTarget } from './gemini-target';

describe('parseGeminiTarget', () => {
  it.each([
    ['gemini-2.5-pro:generateContent', 'gemini-2.5-pro', 'generateContent'],
    ['models/opencodego-router:streamGenerateContent', 'opencodego-router', 'streamGenerateContent'],
    ['gpt-5.4-mini:countTokens', 'gpt-5.4-mini', 'countTokens'],
    ['a:b:generateContent', 'a:b', 'generateContent'],
  ])('%s → model %s, method %s', (tail, model, method) => {
    expect(parseGeminiTarget(tail)).toEqual({ model, method });
  });

  it.each(['gemini-2.5-pro', 'gemini-2.5-pro:embedContent', 'x:'])('%s is a 404', (tail) => {
    expect(() => parseGeminiTarget(tail)).toThrow(GatewayError);
    try {
      parseGeminiTarget(tail);
    } catch (error) {
      expect((error as GatewayError).status).toBe(404);
    }
  });

  it('refuses an empty model name', () => {
    expect(() => parseGeminiTarget(':generateContent')).toThrow('The model name in the path is empty.');
  });
});
