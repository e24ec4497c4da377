import type { ChatMessage, Tier } from '@switchyard/contracts';
import { FOUR_TIERS, requestOf, routerOf } from './__fixtures__/routers';
import { ConversationPolicy, isContinuation, previousAsks } from './conversation';

const user = (content: ChatMessage['content']): ChatMessage => ({ role: 'user', content }) as ChatMessage;
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });
const tool = (content: string): ChatMessage => ({ role: 'tool', tool_call_id: 'call_1', content });

/** A stand-in classifier: the tier is written in the ask ("[COMPLEX] …"), SIMPLE otherwise. */
function tierOf(ask: string): Tier {
  const match = /^\[(SIMPLE|MEDIUM|COMPLEX|REASONING)\]/.exec(ask);
  return (match?.[1] as Tier | undefined) ?? 'SIMPLE';
}

describe(isContinuation.name, () => {
  it.each([
    'yes',
    'Go on.',
    'ok, do it!',
    'yes please',
    'LGTM',
    'weiter',
    '继续',
    'はい',
    'да',
    'sure thanks',
  ])('reads %p as a continuation', (ask) => expect(isContinuation(ask)).toBe(true));

  it.each([
    'now fix the tests',
    'yes but rename it first',
    'why?',
    'continue the migration but skip the users table',
    '',
  ])('reads %p as a new ask', (ask) => expect(isContinuation(ask)).toBe(false));
});

describe(previousAsks.name, () => {
  it('lists the earlier asks newest first, skipping tool turns, reminders and context blocks', () => {
    const messages = [
      user('<environment_context>\n  <cwd>/home/dev</cwd>\n</environment_context>'),
      user([{ type: 'text', text: '[COMPLEX] migrate the queue' }]),
      assistant('done, running the tests'),
      tool('Tests: 3 failed'),
      user('<system-reminder>todo list empty</system-reminder>'),
      user('[MEDIUM] fix the first failure'),
      user('yes'),
    ];
    expect(previousAsks(messages, 5)).toEqual([
      '[MEDIUM] fix the first failure',
      '[COMPLEX] migrate the queue',
    ]);
    expect(previousAsks(messages, 1)).toEqual(['[MEDIUM] fix the first failure']);
    expect(previousAsks([user('hello')], 4)).toEqual([]);
  });
});

describe(ConversationPolicy.name, () => {
  const session = [
    user('[REASONING] why do we lose writes'),
    assistant('…'),
    user('[MEDIUM] ok and the logs?'),
  ];
  const withAsk = (ask: string): ChatMessage[] => [...session, assistant('…'), user(ask)];

  it('off: changes nothing', () => {
    const sut = new ConversationPolicy({ mode: 'off', floorTurns: 4 }, tierOf);
    expect(sut.enabled).toBe(false);
    expect(sut.apply('SIMPLE', 'yes', withAsk('yes'))).toBeNull();
  });

  it("inherit: a continuation takes the tier of the session's newest new ask, up or down", () => {
    const sut = new ConversationPolicy({ mode: 'inherit', floorTurns: 4 }, tierOf);
    expect(sut.apply('SIMPLE', 'yes', withAsk('yes'))?.tier).toBe('MEDIUM');
    expect(sut.apply('REASONING', 'go on', withAsk('go on'))?.tier).toBe('MEDIUM');
    // a new ask is decided alone.
    expect(sut.apply('SIMPLE', 'rename x', withAsk('rename x'))).toBeNull();
    // the first turn of a session has nothing to inherit.
    expect(sut.apply('SIMPLE', 'yes', [user('yes')])).toBeNull();
  });

  it('floor: a new ask within floor_turns never goes below the hardest recent ask; further back it does', () => {
    const sut = new ConversationPolicy({ mode: 'floor', floorTurns: 2 }, tierOf);
    const raised = sut.apply('SIMPLE', 'now fix the tests', withAsk('now fix the tests'));
    expect(raised?.tier).toBe('REASONING');
    expect(raised?.note).toContain('floor_turns 2');
    expect(sut.apply('REASONING', 'x', withAsk('x'))).toBeNull();
    // the REASONING ask is three user turns back: out of a floor of 2.
    const later = [...withAsk('[SIMPLE] a'), assistant('…'), user('b')];
    expect(sut.apply('SIMPLE', 'b', later)?.tier).toBe('MEDIUM');
    // a continuation under floor takes the hardest recent tier.
    expect(sut.apply('SIMPLE', 'yes', withAsk('yes'))?.tier).toBe('REASONING');
  });
});

describe('ComplexityRouter with conversation', () => {
  const hard = 'is our sharding key gonna bite us';
  const messages: ChatMessage[] = [
    user(hard),
    assistant('Probably: the big tenant will hot-spot one shard. Want me to plan a new key?'),
    user('yes'),
  ];
  const title: ChatMessage[] = [
    { role: 'system', content: 'You are a title generator. You output ONLY a thread title.' },
    user('Generate a title for this conversation:\n'),
    user(hard),
  ];
  const config = (conversation?: object): object => ({
    tiers: FOUR_TIERS,
    classifier_type: 'learned',
    ...(conversation === undefined ? {} : { conversation }),
  });

  it('routes "yes" after a REASONING ask to REASONING with inherit, and alone without', async () => {
    const alone = await routerOf(config()).decide(requestOf(messages));
    const inherit = await routerOf(config({ mode: 'inherit' })).decide(requestOf(messages));
    expect((await routerOf(config()).decide(requestOf([user(hard)]))).tier).toBe('REASONING');
    expect(alone.tier).not.toBe('REASONING');
    expect(inherit.tier).toBe('REASONING');
    expect(inherit.model).toBe('reasoning-model');
    expect(inherit.notes.join('\n')).toContain('conversation (inherit)');
  });

  it('keeps housekeeping on the cheapest tier under floor', async () => {
    const decision = await routerOf(config({ mode: 'floor', floor_turns: 4 })).decide(requestOf(title));
    expect(decision.cause).toBe('housekeeping');
    expect(decision.tier).toBe('SIMPLE');
  });

  it('rejects an unknown mode and a floor of 0 in the config', () => {
    expect(() => routerOf(config({ mode: 'always' }))).toThrow();
    expect(() => routerOf(config({ mode: 'floor', floor_turns: 0 }))).toThrow();
  });
});
