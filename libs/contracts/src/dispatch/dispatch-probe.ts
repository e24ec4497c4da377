import { z } from 'zod';
import { GatewayErrorPayload } from '../errors/gateway-error';

/**
 * `dispatch.<provider>.probe.v1`: the ingress's background health check asks a dispatcher of the
 * provider to check one deployment with a cheap upstream call (list or retrieve a model; never a
 * billed completion where the provider has such an endpoint). Only dispatchers hold provider keys.
 */
export const DispatchProbeRequest = z.object({
  requestId: z.string().min(1),
  deploymentId: z.string().min(1),
});
export type DispatchProbeRequest = z.infer<typeof DispatchProbeRequest>;

/** The result of one probe; `unhealthy` carries the reason (never the key or the URL's credentials). */
export const DispatchProbeReply = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('healthy'),
    deploymentId: z.string(),
    /** what was called, e.g. `GET /models/{model}`. */
    probe: z.string(),
    latencyMs: z.number().nonnegative(),
    dispatcherId: z.string(),
  }),
  z.object({
    status: z.literal('unhealthy'),
    deploymentId: z.string(),
    probe: z.string().nullable(),
    /** null when the upstream was never reached (unknown deployment, bad request). */
    latencyMs: z.number().nonnegative().nullable(),
    dispatcherId: z.string(),
    error: GatewayErrorPayload,
  }),
]);
export type DispatchProbeReply = z.infer<typeof DispatchProbeReply>;
