import { type DynamicModule, Module } from '@nestjs/common';
import type { GatewayConfiguration } from '@switchyard/config';
import type { ClassifierMetrics } from '@switchyard/telemetry';
import { ClassifyController } from './classify.controller';
import { DecideRoute } from './decide-route';

@Module({})
export class ClassifierModule {
  static forRoot(decideRoute: DecideRoute): DynamicModule {
    return {
      module: ClassifierModule,
      controllers: [ClassifyController],
      providers: [{ provide: DecideRoute, useValue: decideRoute }],
    };
  }

  /** compiles every router before anything listens, so a bad router config stops the process. */
  static compile(configuration: GatewayConfiguration, metrics?: ClassifierMetrics): DecideRoute {
    return new DecideRoute(configuration, metrics);
  }
}
