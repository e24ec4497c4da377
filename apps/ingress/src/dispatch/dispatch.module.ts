import { Module } from '@nestjs/common';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { DispatchClient } from './dispatch-client';

/** The ingress side of the dispatchers: chat streams, embeddings and cancels over the bus. */
@Module({
  imports: [InfrastructureModule],
  providers: [DispatchClient],
  exports: [DispatchClient],
})
export class DispatchModule {}
