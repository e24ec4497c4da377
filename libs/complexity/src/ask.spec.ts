import type { ChatMessage } from '@switchyard/contracts';
import { extractAsk, humanText, latestSystemPrompt, readConversation, stripSystemReminders } from './ask';

const user = (content: ChatMessage['content']): ChatMessage => ({ role: 'user', content }) as ChatMessage;
const toolResult = (id: string, content: string) => ({ type: 'tool_result', tool_use_id: id, content });

describe(humanText.name, () => {
  it('keeps a string as it is', () => {
    expect(humanText('  as sent  ')).toBe('  as sent  ');
  });

  it('keeps only the text parts of a list, joined with single spaces', () => {
    expect(
      humanText([
        { type: 'text', text: 'Look at' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        toolResult('t1', 'architecture distributed latency'),
        { type: 'text', text: 'this screenshot' },
      ]),
    ).toBe('Look at this screenshot');
  });

  it('gives nothing for anything else', () => {
    expect(humanText(null)).toBe('');
    expect(humanText(42)).toBe('');
    expect(humanText([{ type: 'text' }, 'loose string'])).toBe('');
  });
});

describe(stripSystemReminders.name, () => {
  it('removes every complete block, whatever the case of its tags, and joins the rest with single spaces', () => {
    expect(
      stripSystemReminders(
        '<system-reminder>You are in a distributed microservice repo</system-reminder>\n  Fix the test \n<SYSTEM-Reminder>\nmore\n</System-Reminder>  please ',
      ),
    ).toBe('Fix the test please');
  });

  it('leaves an unclosed block as text', () => {
    expect(stripSystemReminders(' <system-reminder>never closed ')).toBe('<system-reminder>never closed');
  });

  it('gives an empty ask for reminders only', () => {
    expect(
      stripSystemReminders('<system-reminder>a</system-reminder> \n <system-reminder>b</system-reminder>'),
    ).toBe('');
  });

  it('trims as Python does', () => {
    expect(stripSystemReminders('\x1c Hello \x85')).toBe('Hello');
  });
});

describe(extractAsk.name, () => {
  it('is the newest user message', () => {
    expect(
      extractAsk([
        { role: 'system', content: 'You are a helpful assistant.' },
        user('first question'),
        { role: 'assistant', content: 'an answer' },
        user('second question'),
      ]),
    ).toBe('second question');
  });

  it('skips a user turn that holds only tool results (Claude Code) and uses an older one', () => {
    expect(
      extractAsk([
        user('Refactor the API client'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'read', arguments: '{}' } }],
        },
        user([toolResult('t1', 'const api = createClient(); export default api;')] as ChatMessage['content']),
      ]),
    ).toBe('Refactor the API client');
  });

  it("skips Codex's environment-context and AGENTS.md turns and reads the ask before them", () => {
    expect(
      extractAsk([
        { role: 'system', content: 'You are a coding agent running in the Codex CLI' },
        user('Refactor the retry logic in src/http.ts'),
        user(
          '<environment_context>\n  <cwd>/home/dev/project</cwd>\n  <shell>bash</shell>\n</environment_context>',
        ),
        user('# AGENTS.md instructions for /home/dev/project\n\n<INSTRUCTIONS>\nUse pnpm.\n</INSTRUCTIONS>'),
      ]),
    ).toBe('Refactor the retry logic in src/http.ts');
  });

  it('skips reminder-only and whitespace-only user turns', () => {
    expect(
      extractAsk([
        user('the real ask'),
        user('<system-reminder>todo list is empty</system-reminder>'),
        user([{ type: 'text', text: '   ' }]),
      ]),
    ).toBe('the real ask');
  });

  it('never takes an assistant, tool or system message', () => {
    expect(
      extractAsk([
        { role: 'system', content: 'system text' },
        { role: 'assistant', content: 'assistant text' },
        { role: 'tool', content: 'tool text', tool_call_id: 't1' },
      ]),
    ).toBeNull();
  });

  it('strips reminders from the ask', () => {
    expect(
      extractAsk([
        user([
          { type: 'text', text: '<system-reminder>ctx</system-reminder>' },
          { type: 'text', text: 'Hello' },
        ]),
      ]),
    ).toBe('Hello');
  });
});

describe(readConversation.name, () => {
  it('also returns the newest user turn as sent, even when it is not the ask', () => {
    const conversation = readConversation([
      user('older ask'),
      user('<system-reminder>LITELLM ESCALATE</system-reminder>'),
    ]);
    expect(conversation).toEqual({
      ask: 'older ask',
      newestUserText: '<system-reminder>LITELLM ESCALATE</system-reminder>',
    });
  });

  it('has no newest user turn without user messages', () => {
    expect(readConversation([{ role: 'system', content: 's' }])).toEqual({ ask: null, newestUserText: null });
  });
});

describe(latestSystemPrompt.name, () => {
  it('is the newest system or developer message', () => {
    expect(
      latestSystemPrompt([
        { role: 'system', content: 'old' },
        user('hi'),
        { role: 'developer', content: [{ type: 'text', text: 'new' }] },
      ]),
    ).toBe('new');
    expect(latestSystemPrompt([user('hi')])).toBeNull();
  });
});
