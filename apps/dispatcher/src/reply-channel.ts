import { type CoalescingPublisher, encodeJson } from '@switchyard/bus';
import { type DispatchReply, type DispatchResponsesReply, GatewayError } from '@switchyard/contracts';

/**
 * The replies of one dispatch request (`DispatchReply` for chat, `DispatchResponsesReply` for the
 * native Responses API): ordered, and nothing after the final message.
 */
export class ReplyChannel<Reply extends DispatchReply | DispatchResponsesReply = DispatchReply> {
  lastSentAt = Date.now();
  chunksSent = 0;
  private finished = false;

  constructor(
    private readonly publisher: CoalescingPublisher,
    private readonly subject: string,
  ) {}

  send(reply: Reply): void {
    if (this.finished) return;
    if (reply.type === 'final' || reply.type === 'error') this.finished = true;
    if (reply.type === 'chunk' || reply.type === 'event') this.chunksSent += 1;
    try {
      this.publisher.publish(this.subject, encodeJson(reply));
    } catch (error) {
      // a reply too large for the bus (a huge completion): the requester gets an error instead
      // of silence, which it would take for a lost dispatcher and dispatch again
      const failure = error instanceof GatewayError ? error : GatewayError.internal(String(error));
      this.publisher.publish(
        this.subject,
        encodeJson({
          type: 'error',
          error: GatewayError.upstream(502, failure.message, {
            retryable: false,
            code: 'response_too_large',
          }).toPayload(),
          outcome: reply.type === 'final' || reply.type === 'error' ? reply.outcome : null,
        } satisfies DispatchReply),
      );
      this.finished = true;
    }
    this.lastSentAt = Date.now();
  }

  get isFinished(): boolean {
    return this.finished;
  }
}
