import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CompletionModule } from '../completion/completion.module';
import { CacheController } from './cache.controller';

@Module({ imports: [AuthModule, CompletionModule], controllers: [CacheController] })
export class CacheModule {}
