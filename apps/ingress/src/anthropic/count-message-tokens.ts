import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfiguration } from '@switchyard/config';
import { countRequestTokens } from '@switchyard/complexity/request-tokens';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { CALL_ADMISSION, type CallAdmission } from '../completion/call-admission';
import type { ChatCallContext } from '../completion/chat-context';
import { ResolveModel } from '../routing/resolve-model';
import type { AnthropicTokenCountRequest } from './anthropic-messages-request';
import { toChatCompletionRequest } from './to-chat-completion-request';

/**
 * `POST /v1/messages/count_tokens`: the input tokens of a Messages request, counted with the
 * o200k tokenizer on its canonical form (the count the router's capacity check uses). The model
 * must exist (a router counts as one); nothing is dispatched.
 */
@Injectable()
export class CountMessageTokens {
  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(ResolveModel) private readonly resolveModel: ResolveModel,
    @Inject(CALL_ADMISSION) private readonly admission: CallAdmission,
  ) {}

  execute(request: AnthropicTokenCountRequest, context: ChatCallContext): { input_tokens: number } {
    this.admission.authorize(context, request.model);
    if (!this.configuration.router(request.model)) this.resolveModel.direct(request.model);
    return { input_tokens: countRequestTokens(toChatCompletionRequest(request)) };
  }
}
