import { Inject, Injectable } from '@nestjs/common';
import type { Deployment, GatewayConfiguration } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';
import {
  answerParts,
  answeredBy,
  type ChatPart,
  type ChatResponseMeta,
  settledReplies,
} from '../completion/complete-chat';
import { type AdmittedModel, FallbackPolicy } from '../completion/fallback-policy';
import { upstreamBody } from '../completion/upstream-body';
import { AttemptFailure } from '../dispatch/attempt-failure';
import {
  DispatchClient,
  type DispatchChatPart,
  type DispatchResponsesPart,
} from '../dispatch/dispatch-client';
import { accountingOf, type ChatCallContext } from '../http/chat-context';
import type { AdmittedCall } from '../limits/call-admission';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { routeSummaryOf } from '../routing/route-summary';
import type { PreparedNative } from './native-body';

/** The answer of one Responses call: through the canonical chat path, or OpenAI's native one. */
export type MixedAnswer =
  | { kind: 'chat'; meta: ChatResponseMeta; parts: AsyncIterable<ChatPart> }
  | { kind: 'native'; meta: ChatResponseMeta; parts: AsyncIterable<DispatchResponsesPart> };

/**
 * Whether a deployment is called on its native `/v1/responses`: OpenAI's own API (the built-in
 * `openai` provider; custom OpenAI-compatible providers such as OpenCode Go have no Responses API).
 */
export function answersNatively(deployment: Deployment): boolean {
  return deployment.provider.kind === 'openai' && deployment.provider.custom === null;
}

/**
 * The fallback loop of a Responses call whose candidates include OpenAI deployments: each attempt
 * goes to `dispatch.<provider>.responses.v1` with the client's body intact (reasoning items with
 * `encrypted_content`, `include`, hosted tools, `store`) when its deployment answers natively,
 * else to `dispatch.<provider>.chat.v1` with the canonical request. Same rules as `CompleteChat`:
 * fallbacks while nothing reached the client, one usage row per attempt (the dispatcher's), the
 * call settled with the answering attempt's outcome.
 */
@Injectable()
export class AnswerResponses {
  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(DispatchClient) private readonly dispatchClient: DispatchClient,
    @Inject(FallbackPolicy) private readonly fallbacks: FallbackPolicy,
  ) {}

  async answer(
    prepared: PreparedNative,
    call: AdmittedModel,
    context: ChatCallContext,
    signal: AbortSignal,
    stream: boolean,
  ): Promise<MixedAnswer> {
    const { resolved, admitted } = call;
    const route = routeSummaryOf(resolved.decision);
    const chatBody = upstreamBody(prepared.chat, this.configuration.litellmSettings.drop_params === true);
    const { candidate, value } = await this.fallbacks.firstAnswer(
      { ...call, context, signal, stream, route },
      async (candidate, attempt) => {
        const common = {
          requestId: context.callId,
          attempt,
          deploymentId: candidate.deployment.id,
          stream,
          accounting: accountingOf(context, resolved.modelGroup, route),
        };
        const provider = candidate.deployment.provider.name;
        if (answersNatively(candidate.deployment)) {
          const replies = this.dispatchClient.responses(
            provider,
            { ...common, body: prepared.native },
            signal,
          );
          return { kind: 'native' as const, first: await firstOf(replies), replies };
        }
        const replies = this.dispatchClient.chat(provider, { ...common, body: chatBody }, signal);
        return { kind: 'chat' as const, first: await firstOf(replies), replies };
      },
    );
    const meta = answeredBy(candidate, call, context);
    if (value.kind === 'chat') {
      return {
        kind: 'chat',
        meta,
        parts: answerParts(value.first, value.replies as AsyncIterator<DispatchChatPart>, admitted, context),
      };
    }
    return {
      kind: 'native',
      meta,
      parts: nativeParts(
        value.first,
        value.replies as AsyncIterator<DispatchResponsesPart>,
        admitted,
        context,
      ),
    };
  }
}

async function firstOf<Part>(replies: AsyncIterator<Part>): Promise<Part> {
  const first = await replies.next();
  if (first.done) throw new AttemptFailure(GatewayError.unavailable('the dispatcher sent no reply'), null);
  return first.value;
}

/**
 * The answering native attempt's replies; the call settles with the attempt's outcome when the
 * last reply comes (or with none when the reader stops before it), as chat's `answerParts`.
 */
function nativeParts(
  first: DispatchResponsesPart,
  replies: AsyncIterator<DispatchResponsesPart>,
  admitted: AdmittedCall,
  context: ChatCallContext,
): AsyncGenerator<DispatchResponsesPart> {
  return settledReplies(first, replies, admitted, context, (final) => final);
}
