import type { FastifyRequest } from 'fastify';
import type { Endpoint } from '@switchyard/contracts';

/**
 * What the metrics of one model call are labelled with, filled in as the call proceeds (the model
 * group first, the model and provider once a deployment answered) and read when the response ends.
 */
export interface CallObservation {
  endpoint: Endpoint | null;
  stream: boolean;
  modelGroup: string;
  model: string;
  provider: string;
  tier: string;
  /** upstream time of the attempt that answered, for the overhead histogram. */
  upstreamMs: number | null;
}

const OBSERVATION = Symbol('switchyard.callObservation');

type WithObservation = FastifyRequest & { [OBSERVATION]?: CallObservation };

export function callObservation(request: FastifyRequest): CallObservation {
  const holder = request as WithObservation;
  let observation = holder[OBSERVATION];
  if (!observation) {
    observation = {
      endpoint: null,
      stream: false,
      modelGroup: 'none',
      model: 'none',
      provider: 'none',
      tier: 'none',
      upstreamMs: null,
    };
    holder[OBSERVATION] = observation;
  }
  return observation;
}
