import { decodeSse, SseDecoder } from './sse-decoder';

describe(SseDecoder.name, () => {
  let sut: SseDecoder;

  beforeEach(() => {
    sut = new SseDecoder();
  });

  it('decodes events with names and data', () => {
    const events = sut.push('event: message_start\ndata: {"a":1}\n\nevent: ping\ndata: {}\n\n');

    expect(events).toEqual([
      { event: 'message_start', data: '{"a":1}' },
      { event: 'ping', data: '{}' },
    ]);
  });

  it('returns nothing until an event is complete, whatever the split', () => {
    const stream = 'data: {"x":"hello"}\n\ndata: [DONE]\n\n';
    for (let split = 1; split < stream.length; split += 1) {
      const decoder = new SseDecoder();
      const events = [
        ...decoder.push(stream.slice(0, split)),
        ...decoder.push(stream.slice(split)),
        ...decoder.end(),
      ];
      expect(events).toEqual([
        { event: null, data: '{"x":"hello"}' },
        { event: null, data: '[DONE]' },
      ]);
    }
  });

  it('handles CRLF and lone CR line endings, including a CRLF pair split across chunks', () => {
    const events = [
      ...sut.push('data: one\r'),
      ...sut.push('\n\r\ndata: two\r\r'),
      ...sut.push('data: three\r\n\r\n'),
    ];

    expect(events).toEqual([
      { event: null, data: 'one' },
      { event: null, data: 'two' },
      { event: null, data: 'three' },
    ]);
  });

  it('joins multi-line data with a line feed and strips only one leading space', () => {
    const events = sut.push('data: first\ndata:second\ndata:  indented\n\n');

    expect(events).toEqual([{ event: null, data: 'first\nsecond\n indented' }]);
  });

  it('skips comments, keep-alives, id and retry fields, and events without data', () => {
    const events = sut.push(': ping\n\n:keep-alive\nid: 7\nretry: 1000\n\nevent: lonely\n\ndata: real\n\n');

    expect(events).toEqual([{ event: null, data: 'real' }]);
  });

  it('does not carry an event name over to the next event', () => {
    const events = sut.push('event: error\ndata: {"e":1}\n\ndata: {"n":2}\n\n');

    expect(events).toEqual([
      { event: 'error', data: '{"e":1}' },
      { event: null, data: '{"n":2}' },
    ]);
  });

  it('decodes UTF-8 sequences split across byte chunks and drops a leading BOM', () => {
    const bytes = new TextEncoder().encode('\uFEFFdata: héllo 👋\n\n');
    const events = [
      ...sut.push(bytes.slice(0, 10)),
      ...sut.push(bytes.slice(10, 17)),
      ...sut.push(bytes.slice(17)),
    ];

    expect(events).toEqual([{ event: null, data: 'héllo 👋' }]);
  });

  it('emits a final event that lacks the closing blank line when the stream ends', () => {
    expect(sut.push('data: {"last":true}')).toEqual([]);

    expect(sut.end()).toEqual([{ event: null, data: '{"last":true}' }]);
  });

  it('treats a field without a colon as a field with an empty value', () => {
    expect(sut.push('data\n\n')).toEqual([{ event: null, data: '' }]);
  });
});

describe(decodeSse.name, () => {
  it('decodes a whole stream at once', () => {
    const sut = decodeSse;

    expect(sut('event: a\r\ndata: 1\r\n\r\nevent: b\r\ndata: 2')).toEqual([
      { event: 'a', data: '1' },
      { event: 'b', data: '2' },
    ]);
  });
});
