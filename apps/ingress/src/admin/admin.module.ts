import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { KeysController } from './keys.controller';
import { ManageVirtualKeys } from './manage-virtual-keys';
import { ReadSpend } from './read-spend';
import { SpendController } from './spend.controller';

/** The admin routes of virtual keys and spend (master key only), served by the ledger over the bus. */
@Module({
  imports: [AuthModule, InfrastructureModule],
  controllers: [KeysController, SpendController],
  providers: [ManageVirtualKeys, ReadSpend],
  exports: [ReadSpend],
})
export class AdminModule {}
