import { Module } from '@nestjs/common';
import type { GatewayConfiguration, IngressEnvironment } from '@switchyard/config';
import { GATEWAY_CONFIGURATION, INGRESS_ENVIRONMENT } from '../infrastructure/tokens';
import { ApiKeyGuard, MasterKeyGuard } from './api-key.guard';
import { MasterKey } from './master-key';

@Module({
  providers: [
    {
      provide: MasterKey,
      inject: [GATEWAY_CONFIGURATION, INGRESS_ENVIRONMENT],
      useFactory: (configuration: GatewayConfiguration, environment: IngressEnvironment) =>
        MasterKey.fromConfiguration(configuration, environment),
    },
    ApiKeyGuard,
    MasterKeyGuard,
  ],
  exports: [MasterKey, ApiKeyGuard, MasterKeyGuard],
})
export class AuthModule {}
