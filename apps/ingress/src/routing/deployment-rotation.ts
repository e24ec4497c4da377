import type { Deployment } from '@switchyard/config';

/**
 * Orders the deployments of one model name for an attempt: round-robin across requests (weighted by
 * `litellm_params.weight` when given), the rest following as failover candidates.
 */
export class DeploymentRotation {
  private readonly counters = new Map<string, number>();

  order(modelName: string, deployments: readonly Deployment[]): Deployment[] {
    if (deployments.length <= 1) return [...deployments];
    const counter = this.counters.get(modelName) ?? 0;
    this.counters.set(modelName, (counter + 1) % 1_000_000_007);
    const slots = deployments.flatMap((deployment) =>
      Array.from({ length: Math.max(1, Math.round(deployment.params.weight ?? 1)) }, () => deployment),
    );
    const first = slots[counter % slots.length];
    return [first, ...deployments.filter((deployment) => deployment !== first)];
  }
}
