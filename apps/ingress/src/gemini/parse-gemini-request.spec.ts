import { GatewayError } from '@switchyard/contracts';
import { parseCountTokensRequest, parseGenerateContentRequest } from './parse-gemini-request';

function failure(body: unknown): GatewayError {
  try {
    parseGenerateContentRequest(body);
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error('expected a failure');
}

describe('parseGenerateContentRequest', () => {
  it('accepts a minimal request and keeps unknown fields', () => {
    const sut = parseGenerateContentRequest({ contents: [{ parts: [{ text: 'hi' }] }], labels: { a: 'b' } });
    expect(sut.contents[0].parts[0].text).toBe('hi');
    expect((sut as Record<string, unknown>).labels).toEqual({ a: 'b' });
  });

  it.each([
    [null, 'The request body must be a JSON object.'],
    [{}, 'contents: required field is missing'],
    [{ contents: [{ parts: [{ text: 1 }] }] }, 'contents[0].parts[0].text: expected string, got number'],
    [
      { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] },
      'contents[0].role: invalid value "assistant"',
    ],
    [{ contents: [{ parts: [{}] }] }, 'contents[0].parts[0]: a part must set exactly one of'],
    [{ contents: [{ parts: [{ text: 'x' }] }], generationConfig: { candidateCount: 3 } }, 'only 1 candidate'],
  ])('refuses %j with a 400 that names the field', (body, message) => {
    const error = failure(body);
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });

  it('counts tokens of contents or of a whole generateContentRequest', () => {
    const contents = [{ parts: [{ text: 'count me' }] }];
    expect(parseCountTokensRequest({ contents }).contents).toEqual(contents);
    expect(
      parseCountTokensRequest({ generateContentRequest: { model: 'models/x', contents } }).contents,
    ).toEqual(contents);
    expect(() => parseCountTokensRequest({})).toThrow('either contents or generateContentRequest');
  });
});
