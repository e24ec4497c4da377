import type { ChatCompletionRequest } from '@switchyard/contracts';
import type { CallAdmission } from './call-admission';
import type { ChatCallContext } from '../http/chat-context';
import { unresolvedRouter, withAdmissionWithoutCall } from './admit-without-call';

describe(withAdmissionWithoutCall.name, () => {
  const events: string[] = [];
  const admission = {
    authorize: () => undefined,
    admit: (_context: ChatCallContext, _resolved: unknown, request: ChatCompletionRequest) => {
      events.push(`admit max_tokens=${request.max_tokens}`);
      return Promise.resolve({
        headers: {},
        settle: () => events.push('settle'),
        reserveAgain: () => Promise.resolve(false),
      });
    },
  } as unknown as CallAdmission;
  const request: ChatCompletionRequest = {
    model: 'frontier-router',
    messages: [{ role: 'user', content: 'Hi' }],
  };

  beforeEach(() => (events.length = 0));

  it('holds the admission (its parallel slot) while the work runs and settles it after', async () => {
    const result = await withAdmissionWithoutCall(
      admission,
      {} as ChatCallContext,
      unresolvedRouter('frontier-router'),
      request,
      async () => {
        events.push('work');
        await Promise.resolve();
        return 42;
      },
    );

    expect(result).toBe(42);
    expect(events).toEqual(['admit max_tokens=0', 'work', 'settle']);
  });

  it('settles when the work fails', async () => {
    await expect(
      withAdmissionWithoutCall(admission, {} as ChatCallContext, unresolvedRouter('r'), request, () =>
        Promise.reject(new Error('classifier down')),
      ),
    ).rejects.toThrow('classifier down');
    expect(events).toEqual(['admit max_tokens=0', 'settle']);
  });
});
