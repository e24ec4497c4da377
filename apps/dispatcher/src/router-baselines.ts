import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfiguration } from '@switchyard/config';
import type { TokenUsage } from '@switchyard/contracts';
import { costOf, type ModelPrices, pricesOf } from '@switchyard/providers';
import { GATEWAY_CONFIGURATION } from './tokens';

/**
 * For each router, the prices of every model its tiers can pick. A routed request's baseline is
 * what its tokens would have cost on the most expensive of them: the router's savings are
 * baseline minus what it did cost.
 */
@Injectable()
export class RouterBaselines {
  private readonly pricesByRouter = new Map<string, ModelPrices[]>();

  constructor(@Inject(GATEWAY_CONFIGURATION) configuration: GatewayConfiguration) {
    for (const router of configuration.routers) {
      const models = Object.values(router.config.tiers).flatMap((pool) =>
        typeof pool === 'string' ? [pool] : (pool ?? []),
      );
      const prices = models
        .flatMap((model) => configuration.deploymentsFor(model))
        .map((deployment) => pricesOf(deployment))
        .filter((price): price is ModelPrices => price !== null);
      this.pricesByRouter.set(router.name, prices);
    }
  }

  baselineCost(router: string, usage: TokenUsage): number | null {
    const prices = this.pricesByRouter.get(router);
    if (!prices || prices.length === 0) return null;
    let highest: number | null = null;
    for (const price of prices) {
      const cost = costOf(usage, price);
      if (cost !== null && (highest === null || cost > highest)) highest = cost;
    }
    return highest;
  }
}
