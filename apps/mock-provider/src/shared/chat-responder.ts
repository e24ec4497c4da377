import type { ChatInput } from './chat-input';
import type { ProviderExchange } from './provider-exchange';
import { planReply, type ReplyPlan } from './reply-plan';

/** The end marker of OpenAI-style streams (the `omitDone` knob leaves it out). */
const DONE_EVENT = 'data: [DONE]\n\n';

/** Ids and timestamps a rendered response carries. */
export interface ResponseIdentity {
  /** the request's sequence number (its log id); ids are derived from it. */
  sequence: number;
  /** unix seconds. */
  created: number;
}

/** Turns a reply plan into one format's JSON body or SSE events. */
export interface ChatRenderer {
  renderJson(plan: ReplyPlan, input: ChatInput, identity: ResponseIdentity): unknown;
  /** every event fully framed (`data: …\n\n`), so the channel can write them as they are. */
  renderEvents(plan: ReplyPlan, input: ChatInput, identity: ResponseIdentity): string[];
  /** an event whose JSON is cut short, for the `malformedChunkAt` knob. */
  readonly malformedEvent: string;
  /** the provider's in-stream error event (a server error), for the `errorAfterChunks` knob. */
  errorEvent(message: string, first: boolean): string;
  readonly streamContentType: string;
  /** whether the format can express a safety block (the `safetyBlock` knob). */
  readonly supportsSafetyBlock: boolean;
}

/** The common tail of every chat route: knobs, fault status, plan, render, send. */
export async function respondToChat(
  exchange: ProviderExchange,
  input: ChatInput,
  renderer: ChatRenderer,
): Promise<void> {
  exchange.updateRequest({ model: input.model, stream: input.stream });
  const knobs = exchange.resolveKnobs(input.model, input.directive);
  if (await exchange.sendFaultStatus(knobs)) return;
  const plan = planReply(input, {
    chunks: knobs.chunks,
    reply: knobs.reply,
    toolCall: knobs.toolCall,
    safetyBlock: knobs.safetyBlock && renderer.supportsSafetyBlock,
  });
  exchange.entry.usage = plan.usage;
  const identity: ResponseIdentity = { sequence: exchange.entry.id, created: exchange.created };
  if (input.stream) {
    let events = renderer.renderEvents(plan, input, identity);
    if (knobs.omitDone) events = events.filter((event) => event !== DONE_EVENT);
    if (knobs.errorAfterChunks !== null) {
      const message = knobs.message ?? 'Mock fault: the server had an error while processing your request.';
      const kept = events.slice(0, knobs.errorAfterChunks);
      events = [...kept, renderer.errorEvent(message, kept.length === 0)];
    }
    await exchange.sendEvents(events, renderer.streamContentType, knobs, renderer.malformedEvent);
  } else {
    await exchange.sendJson(200, renderer.renderJson(plan, input, identity), knobs);
  }
}
