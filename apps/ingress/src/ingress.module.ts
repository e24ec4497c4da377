import { type DynamicModule, Module } from '@nestjs/common';
import type { GatewayConfiguration, IngressEnvironment } from '@switchyard/config';
import { AdminModule } from './admin/admin.module';
import { AnthropicModule } from './anthropic/anthropic.module';
import { CacheModule } from './cache/cache.module';
import { ConsoleModule } from './console/console.module';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { HealthModule } from './health/health.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { MetricsModule } from './metrics/metrics.module';
import { OpenAIModule } from './openai/openai.module';
import { RoutingModule } from './routing/routing.module';

@Module({})
export class IngressModule {
  static forRoot(environment: IngressEnvironment, configuration: GatewayConfiguration): DynamicModule {
    return {
      module: IngressModule,
      imports: [
        InfrastructureModule.forRoot(environment, configuration),
        HealthModule,
        IntegrationsModule,
        MetricsModule,
        OpenAIModule,
        RoutingModule,
        CacheModule,
        AnthropicModule,
        AdminModule,
        ConsoleModule,
      ],
    };
  }
}
