import { Inject, Injectable } from '@nestjs/common';
import { type DispatchProbeReply, type DispatchProbeRequest, GatewayError } from '@switchyard/contracts';
import { providerFor, type UpstreamHttpRequest } from '@switchyard/providers';
import { type ServedDeployment, ServedDeployments } from './served-deployments';
import { DISPATCHER_ID } from './tokens';
import { upstreamFailure, UpstreamClient, type UpstreamTimeouts } from './upstream-client';

/** A probe is a health check, not a request: it gives up long before a completion would. */
const PROBE_TIMEOUTS: UpstreamTimeouts = {
  connectTimeoutMs: 5_000,
  firstByteTimeoutMs: 10_000,
  idleTimeoutMs: 10_000,
};
/** error bodies are read for the reason; nobody needs more than this of one. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The cheap upstream call that tells whether a deployment answers, without a billed completion:
 * retrieve the model (OpenAI, Anthropic, Gemini, Mistral: proves the key and the model id), or list
 * the models of a custom OpenAI-compatible provider (proves the key and the endpoint).
 */
export function probeRequestFor(served: ServedDeployment): UpstreamHttpRequest {
  return providerFor(served.kind).probeRequest(served.target, {
    custom: served.deployment.provider.custom !== null,
  });
}

/**
 * `dispatch.<provider>.probe.v1`: checks one deployment this dispatcher serves and answers healthy,
 * or unhealthy with the provider's error (the adapter's reading of it: it names the provider,
 * never the key). Probes record no usage event: they are not requests of anyone.
 */
@Injectable()
export class ProbeDeployment {
  constructor(
    @Inject(ServedDeployments) private readonly deployments: ServedDeployments,
    @Inject(UpstreamClient) private readonly upstream: UpstreamClient,
    @Inject(DISPATCHER_ID) private readonly dispatcherId: string,
  ) {}

  async execute(request: DispatchProbeRequest, signal?: AbortSignal): Promise<DispatchProbeReply> {
    const served = this.deployments.get(request.deploymentId);
    if (!served) {
      return this.unhealthy(
        request.deploymentId,
        null,
        null,
        GatewayError.unavailable(
          `deployment ${request.deploymentId} is not served by this dispatcher; do the ingress and dispatcher load the same config?`,
          { code: 'unknown_deployment' },
        ),
      );
    }
    const provider = served.target.provider;
    const httpRequest = probeRequestFor(served);
    const probe = `${httpRequest.method} ${new URL(httpRequest.url).pathname}`;
    const startedAt = performance.now();
    const elapsed = () => Math.round((performance.now() - startedAt) * 10) / 10;
    const abort = signal ?? new AbortController().signal;
    let response;
    try {
      response = await this.upstream.send(httpRequest, provider, PROBE_TIMEOUTS, abort);
    } catch (error) {
      return this.unhealthy(request.deploymentId, probe, elapsed(), upstreamFailure(error, provider, abort));
    }
    if (response.status < 400) {
      await response.body.dump({ limit: MAX_ERROR_BODY_BYTES }).catch(() => undefined);
      return {
        status: 'healthy',
        deploymentId: request.deploymentId,
        probe,
        latencyMs: elapsed(),
        dispatcherId: this.dispatcherId,
      };
    }
    let text = '';
    try {
      text = (await response.body.text()).slice(0, MAX_ERROR_BODY_BYTES);
    } catch {
      // the status alone says enough
    }
    const failure = providerFor(served.kind).parseError(
      response.status,
      text,
      response.headers,
      served.target,
    );
    return this.unhealthy(request.deploymentId, probe, elapsed(), failure);
  }

  private unhealthy(
    deploymentId: string,
    probe: string | null,
    latencyMs: number | null,
    error: GatewayError,
  ): DispatchProbeReply {
    return {
      status: 'unhealthy',
      deploymentId,
      probe,
      latencyMs,
      dispatcherId: this.dispatcherId,
      error: error.toPayload(),
    };
  }
}
