import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfiguration } from '@switchyard/config';
import { countRequestTokens } from '@switchyard/complexity/request-tokens';
import { offloadTokenCounts } from '@switchyard/complexity/tokenizer';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { unresolvedRouter, withAdmissionWithoutCall } from '../limits/admit-without-call';
import { CALL_ADMISSION, type CallAdmission } from '../limits/call-admission';
import type { ChatCallContext } from '../http/chat-context';
import { ResolveModel } from '../routing/resolve-model';
import type { AnthropicTokenCountRequest } from './anthropic-messages-request';
import { toChatCompletionRequest } from './to-chat-completion-request';

/**
 * `POST /v1/messages/count_tokens`: the input tokens of a Messages request, counted with the
 * bounded o200k count on its canonical form (the count the router's capacity check uses). The
 * model must exist (a router counts as one); the request counts against the key's rate limits
 * before anything is counted; nothing is dispatched.
 */
@Injectable()
export class CountMessageTokens {
  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(ResolveModel) private readonly resolveModel: ResolveModel,
    @Inject(CALL_ADMISSION) private readonly admission: CallAdmission,
  ) {
    offloadTokenCounts(); // counts run on a worker thread: the first never holds the event loop
  }

  async execute(
    request: AnthropicTokenCountRequest,
    context: ChatCallContext,
  ): Promise<{ input_tokens: number }> {
    this.admission.authorize(context, request.model);
    const resolved = this.configuration.router(request.model)
      ? unresolvedRouter(request.model)
      : this.resolveModel.direct(request.model);
    const chat = toChatCompletionRequest(request);
    return withAdmissionWithoutCall(this.admission, context, resolved, chat, async () => ({
      input_tokens: await countRequestTokens(chat),
    }));
  }
}
