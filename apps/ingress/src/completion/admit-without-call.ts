import type { ChatCompletionRequest } from '@switchyard/contracts';
import type { ResolvedModel } from '../routing/resolve-model';
import type { CallAdmission } from './call-admission';
import type { ChatCallContext } from './chat-context';

/**
 * A request that calls no model (`count_tokens`, `route/explain`) still counts against the key's
 * rate limits, so a key cannot make the gateway tokenize or classify without limit: it is admitted
 * like a call, before any of that work (the same 429s for RPM, TPM, parallel requests and an
 * exhausted budget), with no output expected, and settled at once with no outcome, so it holds no
 * slot, tokens or reservation afterwards; only its request stays in the minute's count.
 */
export async function admitWithoutCall(
  admission: CallAdmission,
  context: ChatCallContext,
  resolved: ResolvedModel,
  request: ChatCompletionRequest,
): Promise<void> {
  const admitted = await admission.admit(context, resolved, {
    ...request,
    max_tokens: 0,
    max_completion_tokens: 0,
  });
  admitted.settle(null);
}

/** What admission sees of a router before it is resolved: its name, no deployment to price. */
export function unresolvedRouter(name: string): ResolvedModel {
  return { modelGroup: name, modelName: name, deployments: [], decision: null };
}
