import { RequestLog, serializeEntry } from './request-log';

function open(sut: RequestLog, model: string) {
  return sut.open({
    format: 'openai',
    endpoint: 'chat',
    method: 'POST',
    path: '/v1/chat/completions',
    query: {},
    headers: {
      authorization: 'Bearer secret',
      'x-api-key': 'secret',
      'x-request-id': 'abc',
      'user-agent': 'jest',
    },
    body: { model },
    model,
    stream: false,
  });
}

describe(RequestLog.name, () => {
  it('keeps only the most recent entries, oldest first', () => {
    const sut = new RequestLog(3);
    for (const model of ['a', 'b', 'c', 'd', 'e']) open(sut, model);
    expect(sut.list().map((entry) => entry.model)).toEqual(['c', 'd', 'e']);
    expect(sut.list({ limit: 2 }).map((entry) => entry.model)).toEqual(['d', 'e']);
    expect(sut.list({ since: 4 }).map((entry) => entry.model)).toEqual(['e']);
  });

  it('never stores credential headers', () => {
    const sut = new RequestLog(3);
    const entry = open(sut, 'a');
    expect(entry.headers).toEqual({ 'x-request-id': 'abc', 'user-agent': 'jest' });
    expect(JSON.stringify(serializeEntry(entry))).not.toContain('secret');
    expect(entry.requestId).toBe('abc');
  });
});
