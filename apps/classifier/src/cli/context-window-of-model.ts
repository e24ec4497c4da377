import type { ContextWindowOf } from '@switchyard/complexity';
import type { Deployment, GatewayConfiguration } from '@switchyard/config';
import { contextWindowOf } from '@switchyard/providers/pricing/model-facts';

/**
 * The context window of a model name, for the capacity check. A deployment's window is its
 * `model_info.max_input_tokens`, else the bundled price data; the model's is the largest of its
 * deployments' when every one is known, else unknown (an unknown window never moves a request),
 * the same rule as the classifier service.
 */
export function contextWindowOfModel(
  configuration: Pick<GatewayConfiguration, 'deploymentsFor'>,
  windowOf: (deployment: Deployment) => number | null = contextWindowOf,
): ContextWindowOf {
  return (modelName) => {
    const windows = configuration.deploymentsFor(modelName).map(windowOf);
    if (windows.length === 0 || windows.some((window) => window === null)) return null;
    return Math.max(...(windows as number[]));
  };
}
