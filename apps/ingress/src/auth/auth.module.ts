import { Module } from '@nestjs/common';
import type { GatewayConfiguration, IngressEnvironment } from '@switchyard/config';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { GATEWAY_CONFIGURATION, INGRESS_ENVIRONMENT } from '../infrastructure/tokens';
import { ApiKeyGuard, MasterKeyGuard } from './api-key.guard';
import { FailedAuthenticationThrottle } from './failed-authentication-throttle';
import { KeyAdminGuard } from './key-admin.guard';
import { KeyHasher } from './key-hasher';
import { MasterKey } from './master-key';
import { VirtualKeys } from './virtual-keys';

@Module({
  imports: [InfrastructureModule],
  providers: [
    {
      provide: MasterKey,
      inject: [GATEWAY_CONFIGURATION, INGRESS_ENVIRONMENT],
      useFactory: (configuration: GatewayConfiguration, environment: IngressEnvironment) =>
        MasterKey.fromConfiguration(configuration, environment),
    },
    {
      provide: KeyHasher,
      inject: [GATEWAY_CONFIGURATION, INGRESS_ENVIRONMENT],
      useFactory: (configuration: GatewayConfiguration, environment: IngressEnvironment) =>
        KeyHasher.fromConfiguration(configuration, environment),
    },
    VirtualKeys,
    FailedAuthenticationThrottle,
    ApiKeyGuard,
    MasterKeyGuard,
    KeyAdminGuard,
  ],
  exports: [MasterKey, KeyHasher, VirtualKeys, ApiKeyGuard, MasterKeyGuard, KeyAdminGuard],
})
export class AuthModule {}
