import type { ChatCompletionRequest } from '@switchyard/contracts';
import type { ResolvedModel } from '../routing/resolve-model';
import type { CallAdmission } from './call-admission';
import type { ChatCallContext } from '../http/chat-context';

/**
 * A request that calls no model (`count_tokens`, `route/explain`) still counts against the key's
 * limits, so a key cannot make the gateway tokenize or classify without limit: it is admitted like
 * a call, before any of that work (the same 429s for RPM, TPM, parallel requests and an exhausted
 * budget), with no output expected; it holds its parallel slot while `work` runs and is settled with
 * no outcome when it ends, so nothing stays held afterwards but its request in the minute's count.
 */
export async function withAdmissionWithoutCall<T>(
  admission: CallAdmission,
  context: ChatCallContext,
  resolved: ResolvedModel,
  request: ChatCompletionRequest,
  work: () => Promise<T>,
): Promise<T> {
  const admitted = await admission.admit(context, resolved, {
    ...request,
    max_tokens: 0,
    max_completion_tokens: 0,
  });
  try {
    return await work();
  } finally {
    admitted.settle(null);
  }
}

/** What admission sees of a router before it is resolved: its name, no deployment to price. */
export function unresolvedRouter(name: string): ResolvedModel {
  return { modelGroup: name, modelName: name, deployments: [], decision: null };
}
