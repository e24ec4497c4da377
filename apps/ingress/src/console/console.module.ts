import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { AuthModule } from '../auth/auth.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { ConsoleApiController } from './console-api.controller';
import { ReadConsoleData } from './read-console-data';
import { ServeConsole } from './serve-console';

/** The web console: its static files at `/ui` and the read endpoints it adds to the admin API. */
@Module({
  imports: [AuthModule, InfrastructureModule, AdminModule],
  controllers: [ConsoleApiController],
  providers: [ReadConsoleData, ServeConsole],
})
export class ConsoleModule {}
