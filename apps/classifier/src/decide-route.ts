import type { GatewayConfiguration } from '@switchyard/config';
import { ComplexityRouter } from '@switchyard/complexity';
import { type ClassifyDecision, type ClassifyRequest, GatewayError } from '@switchyard/contracts';
import { contextWindowOf } from '@switchyard/providers';
import type { ClassifierMetrics } from '@switchyard/telemetry';

/**
 * Decides the tier and model of a router request. Every router of the config is compiled once at
 * start (keyword matchers, boundaries, pools), so a decision does no setup work.
 */
export class DecideRoute {
  private readonly routers = new Map<string, ComplexityRouter>();

  constructor(
    configuration: GatewayConfiguration,
    private readonly metrics?: ClassifierMetrics,
  ) {
    const windowOf = (modelName: string): number | null => {
      const windows = configuration.deploymentsFor(modelName).map(contextWindowOf);
      if (windows.length === 0 || windows.some((window) => window === null)) return null;
      return Math.max(...(windows as number[]));
    };
    for (const router of configuration.routers) {
      this.routers.set(router.name, new ComplexityRouter(router, { contextWindowOf: windowOf }));
    }
  }

  async execute(request: ClassifyRequest): Promise<ClassifyDecision> {
    const router = this.routers.get(request.router);
    if (!router) {
      throw GatewayError.notFound(
        `"${request.router}" is not a router in the classifier's config (routers: ${[...this.routers.keys()].join(', ')})`,
        'model',
        'router_not_found',
      );
    }
    const started = performance.now();
    const decision = await router.decide(request);
    if (this.metrics) {
      this.metrics.duration.observe({ router: decision.router }, (performance.now() - started) / 1000);
      this.metrics.decisions.inc({
        router: decision.router,
        tier: decision.tier ?? 'none',
        cause: decision.cause,
      });
    }
    return decision;
  }
}
