import { type DynamicModule, Module } from '@nestjs/common';
import type { GatewayConfiguration, IngressEnvironment } from '@switchyard/config';
import { AdminModule } from './admin/admin.module';
import { AnthropicModule } from './anthropic/anthropic.module';
import { CacheModule } from './cache/cache.module';
import { ConsoleModule } from './console/console.module';
import { DispatchModule } from './dispatch/dispatch.module';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { GeminiModule } from './gemini/gemini.module';
import type { IngressTransport } from './infrastructure/ingress-transport';
import { HealthModule } from './health/health.module';
import { InfrastructureShutdown } from './ingress-shutdown';
import { IntegrationsModule } from './integrations/integrations.module';
import { LimitsModule } from './limits/limits.module';
import { MetricsModule } from './metrics/metrics.module';
import { OpenAIModule } from './openai/openai.module';
import { ResponsesModule } from './responses/responses.module';
import { RouteExplainModule } from './route-explain/route-explain.module';
import { RoutingModule } from './routing/routing.module';

@Module({})
export class IngressModule {
  static forRoot(
    environment: IngressEnvironment,
    configuration: GatewayConfiguration,
    transport: IngressTransport = {},
  ): DynamicModule {
    InfrastructureModule.configure(environment, configuration, transport);
    return {
      module: IngressModule,
      imports: [
        InfrastructureModule,
        LimitsModule,
        DispatchModule,
        HealthModule,
        IntegrationsModule,
        MetricsModule,
        OpenAIModule,
        RoutingModule,
        RouteExplainModule,
        CacheModule,
        AnthropicModule,
        GeminiModule,
        ResponsesModule,
        AdminModule,
        ConsoleModule,
      ],
      // the shutdown order spans the bus, Redis and the calls holding limits
      providers: [InfrastructureShutdown],
    };
  }
}
