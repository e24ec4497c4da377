import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { MetricsController } from './metrics.controller';

@Module({ imports: [AuthModule, InfrastructureModule], controllers: [MetricsController] })
export class MetricsModule {}
