import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countTokens as exactCount } from 'gpt-tokenizer';
import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/cjs/encodingParams/constants';
import { capturedRequest } from './__fixtures__/routers';
import {
  BATCH_CHARACTERS,
  countTokens,
  countTokensOfTexts,
  EXACT_BYTE_BUDGET,
  MAX_PIECE_BYTES,
} from './tokenizer';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };
const REPOSITORY = join(__dirname, '../../..');

/** A deterministic generator (mulberry32), so every run counts the same texts. */
function randomText(length: number, alphabet: string, seed = 7): string {
  const characters = [...alphabet];
  let state = seed;
  let text = '';
  while (text.length < length) {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    text += characters[((mixed ^ (mixed >>> 14)) >>> 0) % characters.length];
  }
  return text.slice(0, length);
}

const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CJK = Array.from({ length: 3000 }, (_, index) => String.fromCodePoint(0x4e00 + index)).join('');

/** Texts without spaces: one pre-token each, quadratic for the tokenizer alone. */
function pathological(length: number): Record<string, string> {
  return {
    'a run of one letter': 'a'.repeat(length),
    'random lowercase letters': randomText(length, LOWERCASE),
    'random base64': randomText(length, BASE64),
    'CJK without punctuation': randomText(length, CJK),
    'a whitespace run with newlines': ' \n'.repeat(length / 2),
    'random punctuation': randomText(length, '!@#$%^&*()[]{}<>?'),
    'a run of emoji': '😀'.repeat(length / 2),
  };
}

function longestPreToken(piece: string): number {
  let longest = 0;
  for (const [match] of piece.matchAll(O200K_TOKEN_SPLIT_REGEX)) {
    longest = Math.max(longest, Buffer.byteLength(match));
  }
  return longest;
}

describe(countTokens.name, () => {
  const ordinary: [string, string][] = [
    ['the README', readFileSync(join(REPOSITORY, 'README.md'), 'utf8')],
    ['TypeScript source', readFileSync(join(REPOSITORY, 'libs/complexity/src/capacity.ts'), 'utf8')],
    ['the OpenCode request as JSON', JSON.stringify(capturedRequest('opencode-chat-request.json').body)],
    ['Chinese prose', '我们今天讨论一下这个问题。你觉得怎么样？这个方案可以吗，还是需要修改？'.repeat(40)],
    ['a special-token spelling', 'a <|endoftext|> b <|im_start|>'],
  ];

  it.each(ordinary)('counts %s exactly as the o200k tokenizer does', async (_name, text) => {
    expect(await countTokens(text)).toBe(exactCount(text, AS_PLAIN_TEXT));
  });

  it('counts every text of the OpenCode request exactly', async () => {
    const { body } = capturedRequest('opencode-chat-request.json');
    const texts = body.messages.flatMap((message) =>
      typeof message.content === 'string' ? [message.content] : [JSON.stringify(message.content)],
    );
    const exact = texts.reduce((sum, text) => sum + exactCount(text, AS_PLAIN_TEXT), 0);
    expect(await countTokensOfTexts(texts)).toBe(exact);
  });

  it.each(Object.entries(pathological(4000)))(
    'stays within 2%% of the exact count on %s',
    async (_name, text) => {
      const exact = exactCount(text, AS_PLAIN_TEXT);
      const counted = await countTokens(text);
      expect(Math.abs(counted - exact)).toBeLessThanOrEqual(Math.ceil(exact * 0.02));
    },
  );

  it.each(Object.entries(pathological(64 * 1024)))(
    'hands the tokenizer only short pre-tokens and each character once on 64 KB of %s',
    async (_name, text) => {
      const pieces: string[] = [];
      const tokens = await countTokens(text, { onPiece: (piece) => pieces.push(piece) });
      expect(tokens).toBeGreaterThan(0);
      expect(pieces.join('')).toBe(text);
      expect(Math.max(...pieces.map(longestPreToken))).toBeLessThanOrEqual(MAX_PIECE_BYTES);
      expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThanOrEqual(BATCH_CHARACTERS);
      expect(pieces.filter((piece) => LONE_SURROGATE.test(piece))).toEqual([]);
    },
    60_000,
  );

  it('gives the event loop back during a long count', async () => {
    let turns = 0;
    let counting = true;
    const tick = () => {
      turns += 1;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    await countTokens(randomText(EXACT_BYTE_BUDGET, LOWERCASE, 11)); // a text the merge cache has not seen
    counting = false;
    expect(turns).toBeGreaterThan(1);
  }, 60_000);

  it('estimates beyond its budget from a sample, counting no more than the budget', async () => {
    const prose = readFileSync(join(REPOSITORY, 'README.md'), 'utf8');
    const text = prose.repeat(Math.ceil((4 * EXACT_BYTE_BUDGET) / prose.length));
    let counted = 0;
    const estimate = await countTokens(text, { onPiece: (piece) => (counted += piece.length) });
    const exact = exactCount(text, AS_PLAIN_TEXT);
    expect(counted).toBeLessThanOrEqual(EXACT_BYTE_BUDGET * 1.05);
    expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.03);
  }, 60_000);

  it('shares the budget between texts in proportion to their length', async () => {
    const big = randomText(2 * EXACT_BYTE_BUDGET, BASE64);
    const small = 'Hello, world!';
    let counted = 0;
    const total = await countTokensOfTexts([small, big], {
      onPiece: (piece) => (counted += piece.length),
    });
    expect(counted).toBeLessThanOrEqual(EXACT_BYTE_BUDGET * 1.05);
    expect(total).toBeGreaterThan(exactCount(small, AS_PLAIN_TEXT));
  }, 60_000);

  it('counts nothing for no text', async () => {
    expect(await countTokensOfTexts([])).toBe(0);
    expect(await countTokens('')).toBe(0);
  });
});
