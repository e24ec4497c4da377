import { z } from 'zod';

/** `deployments.cooldown.v1`: skip this deployment until `until` (epoch ms). */
export const DeploymentCooldown = z.object({
  deploymentId: z.string().min(1),
  until: z.number().int().positive(),
  reason: z.string(),
});
export type DeploymentCooldown = z.infer<typeof DeploymentCooldown>;
