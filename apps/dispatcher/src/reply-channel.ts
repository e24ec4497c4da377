import { type CoalescingPublisher, encodeJson } from '@switchyard/bus';
import type { DispatchReply } from '@switchyard/contracts';

/** The replies of one dispatch request: ordered, and nothing after the final message. */
export class ReplyChannel {
  lastSentAt = Date.now();
  chunksSent = 0;
  private finished = false;

  constructor(
    private readonly publisher: CoalescingPublisher,
    private readonly subject: string,
  ) {}

  send(reply: DispatchReply): void {
    if (this.finished) return;
    if (reply.type === 'final' || reply.type === 'error') this.finished = true;
    if (reply.type === 'chunk') this.chunksSent += 1;
    this.publisher.publish(this.subject, encodeJson(reply));
    this.lastSentAt = Date.now();
  }

  get isFinished(): boolean {
    return this.finished;
  }
}
