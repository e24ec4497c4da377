import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { CustomersController } from './customers.controller';
import { KeysController } from './keys.controller';
import { ManageOrg } from './manage-org';
import { ManageVirtualKeys } from './manage-virtual-keys';
import { ManageRoutedAsks } from './manage-routed-asks';
import { ReadSpend } from './read-spend';
import { RoutedAsksController } from './routed-asks.controller';
import { SpendController } from './spend.controller';
import { TagsController } from './tags.controller';
import { TeamsController } from './teams.controller';
import { UsersController } from './users.controller';

/** The admin routes of virtual keys, teams, users, customers, tags and spend (master key; team admins for their keys), served by the ledger over the bus. */
@Module({
  imports: [AuthModule, InfrastructureModule],
  controllers: [
    KeysController,
    TeamsController,
    UsersController,
    CustomersController,
    TagsController,
    SpendController,
    RoutedAsksController,
  ],
  providers: [ManageVirtualKeys, ManageOrg, ReadSpend, ManageRoutedAsks],
  exports: [ReadSpend],
})
export class AdminModule {}
