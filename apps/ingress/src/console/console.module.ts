import { Module } from '@nestjs/common';
import { ReadSpend } from '../admin/read-spend';
import { AuthModule } from '../auth/auth.module';
import { ConsoleApiController } from './console-api.controller';
import { ReadConsoleData } from './read-console-data';
import { ServeConsole } from './serve-console';

/** The web console: its static files at `/ui` and the read endpoints it adds to the admin API. */
@Module({
  imports: [AuthModule],
  controllers: [ConsoleApiController],
  providers: [ReadSpend, ReadConsoleData, ServeConsole],
})
export class ConsoleModule {}
