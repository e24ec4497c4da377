import { CALLER_LABEL_LIMITS, CallerMetadata, EndUser, jsonDepthExceeds } from './caller-labels';
import { ChatCompletionRequest } from './chat-request';
import { EmbeddingRequest } from './embedding-request';

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 'x' };
  for (let level = 1; level < depth; level += 1) value = { child: value };
  return value;
}

describe('caller labels', () => {
  const request = { model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] };

  it('accepts a user of 256 characters and refuses 257 (chat and embeddings)', () => {
    expect(EndUser.safeParse('u'.repeat(CALLER_LABEL_LIMITS.userCharacters)).success).toBe(true);
    const parsed = ChatCompletionRequest.safeParse({ ...request, user: 'u'.repeat(257) });
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['user'],
      message: 'must be at most 256 characters',
    });
    expect(EmbeddingRequest.safeParse({ model: 'm', input: 'x', user: 'u'.repeat(257) }).success).toBe(false);
  });

  it('accepts metadata just under 16 KiB of JSON and refuses it just over', () => {
    const padding = CALLER_LABEL_LIMITS.metadataBytes - JSON.stringify({ note: '' }).length;
    expect(CallerMetadata.safeParse({ note: 'n'.repeat(padding) }).success).toBe(true);
    const parsed = ChatCompletionRequest.safeParse({
      ...request,
      metadata: { note: 'n'.repeat(padding + 1) },
    });
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['metadata'] });
    expect(parsed.error?.issues[0].message).toContain('at most 16384 bytes as JSON (it is 16385)');
  });

  it('counts bytes, not characters (multi-byte text)', () => {
    expect(CallerMetadata.safeParse({ note: 'é'.repeat(8200) }).success).toBe(false);
  });

  it('accepts 8 levels of nesting and refuses 9, and a very deep value without overflowing the stack', () => {
    expect(CallerMetadata.safeParse(nested(8)).success).toBe(true);
    expect(CallerMetadata.safeParse(nested(9)).error?.issues[0].message).toBe(
      'must be nested at most 8 levels deep',
    );
    expect(jsonDepthExceeds(nested(200_000), 8)).toBe(true);
    expect(CallerMetadata.safeParse(nested(200_000)).success).toBe(false);
    expect(CallerMetadata.safeParse({ list: [[[[[[['x']]]]]]] }).success).toBe(true);
    expect(CallerMetadata.safeParse({ list: [[[[[[[['x']]]]]]]] }).success).toBe(false);
  });
});
