import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfiguration } from '@switchyard/config';
import { countRequestTokens } from '@switchyard/complexity/request-tokens';
import { offloadTokenCounts } from '@switchyard/complexity/tokenizer';
import type { ChatCompletionRequest } from '@switchyard/contracts';
import type { ChatCallContext } from '../http/chat-context';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { unresolvedRouter, withAdmissionWithoutCall } from '../limits/admit-without-call';
import { CALL_ADMISSION, type CallAdmission } from '../limits/call-admission';
import { ResolveModel } from '../routing/resolve-model';

export interface GeminiTokenCount {
  totalTokens: number;
  promptTokensDetails: { modality: 'TEXT'; tokenCount: number }[];
}

/**
 * `POST /v1beta/models/{model}:countTokens`: the input tokens of a request, counted with the
 * bounded o200k count on its canonical form (the count the router's capacity check uses), as on
 * Anthropic's `count_tokens`. The model must exist (a router counts as one); the request counts
 * against the key's limits before anything is counted; nothing is dispatched.
 */
@Injectable()
export class CountGeminiTokens {
  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(ResolveModel) private readonly resolveModel: ResolveModel,
    @Inject(CALL_ADMISSION) private readonly admission: CallAdmission,
  ) {
    offloadTokenCounts();
  }

  async execute(chat: ChatCompletionRequest, context: ChatCallContext): Promise<GeminiTokenCount> {
    this.admission.authorize(context, chat.model);
    const resolved = this.configuration.router(chat.model)
      ? unresolvedRouter(chat.model)
      : this.resolveModel.direct(chat.model);
    return withAdmissionWithoutCall(this.admission, context, resolved, chat, async () => {
      const total = await countRequestTokens(chat);
      return { totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] };
    });
  }
}
