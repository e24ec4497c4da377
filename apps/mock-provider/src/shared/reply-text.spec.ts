import { buildReplyText, extractDirective, firstWords, splitIntoChunks, stripDirectives } from './reply-text';

describe('buildReplyText', () => {
  it('echoes the first 12 words of the last user message after the model id', () => {
    const sut = buildReplyText('gpt-5.5', {
      kind: 'user',
      text: '  one two\tthree\nfour five six seven eight nine ten eleven twelve thirteen fourteen',
    });
    expect(sut).toBe(
      'Mock reply from gpt-5.5: one two three four five six seven eight nine ten eleven twelve',
    );
  });

  it('drops [[mock:…]] directives before taking the words', () => {
    const sut = buildReplyText('m', { kind: 'user', text: 'Hello [[mock:{"status":429}]] world' });
    expect(sut).toBe('Mock reply from m: Hello world');
  });

  it('answers a tool result with a text naming it', () => {
    expect(buildReplyText('m', { kind: 'tool-result', text: '{"temperature": 21}' })).toBe(
      'Mock reply from m: tool result: {"temperature": 21}',
    );
  });

  it('has a fixed text when there is nothing to echo', () => {
    expect(buildReplyText('m', { kind: 'user', text: '   ' })).toBe('Mock reply from m.');
    expect(buildReplyText('m', { kind: 'none' })).toBe('Mock reply from m.');
  });
});

describe('firstWords', () => {
  it('splits on any whitespace and joins with one space', () => {
    expect(firstWords('a  b\n\nc d', 3)).toBe('a b c');
  });
});

describe('splitIntoChunks', () => {
  it('cuts text into at most N non-empty pieces that join back to it', () => {
    const sut = splitIntoChunks('Mock reply from gpt-5.5: Hello', 8);
    expect(sut).toHaveLength(8);
    expect(sut.join('')).toBe('Mock reply from gpt-5.5: Hello');
    expect(sut.every((piece) => piece.length > 0)).toBe(true);
  });

  it('makes fewer pieces than asked for a short text and never splits a surrogate pair', () => {
    const sut = splitIntoChunks('a😀b', 8);
    expect(sut).toEqual(['a', '😀', 'b']);
  });

  it('returns no piece for an empty text', () => {
    expect(splitIntoChunks('', 4)).toEqual([]);
  });
});

describe('extractDirective', () => {
  it('finds the JSON of a [[mock:…]] directive and the rest of the text', () => {
    const sut = extractDirective('before [[mock:{"status":503,"reply":"x"}]] after');
    expect(sut).toEqual({ json: '{"status":503,"reply":"x"}', rest: 'before  after' });
  });

  it('returns null without a complete directive', () => {
    expect(extractDirective('no directive')).toBeNull();
    expect(extractDirective('[[mock:{"status":503}')).toBeNull();
  });

  it('strips every directive', () => {
    expect(stripDirectives('[[mock:{}]]a[[mock:{"x":1}]]b')).toBe('ab');
  });
});
