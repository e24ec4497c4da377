import { Body, Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { GatewayError } from '@switchyard/contracts';
import { MasterKeyGuard } from '../auth/api-key.guard';
import { ChatResponseCache } from '../completion/chat-response-cache';

const DeleteCacheBody = z.object({ keys: z.array(z.string().min(1)).min(1).max(1000) });

/** LiteLLM's cache admin routes: `GET /cache/ping`, `POST /cache/delete` (master key). */
@Controller('cache')
@UseGuards(MasterKeyGuard)
export class CacheController {
  constructor(@Inject(ChatResponseCache) private readonly responseCache: ChatResponseCache) {}

  @Get('ping')
  async ping(): Promise<{ status: string; cache_type: string; ping_response: boolean }> {
    const store = this.responseCache.store();
    if (!store) return { status: 'disabled', cache_type: 'none', ping_response: false };
    const answered = await store.ping();
    if (!answered)
      throw GatewayError.unavailable(
        'The cache (Redis) does not answer; requests are served without caching.',
      );
    return { status: 'healthy', cache_type: 'redis', ping_response: true };
  }

  @Post('delete')
  @HttpCode(200)
  async delete(@Body() body: unknown): Promise<{ status: string; deleted: number }> {
    const parsed = DeleteCacheBody.safeParse(body);
    if (!parsed.success) {
      throw GatewayError.invalidRequest('Send {"keys": ["<x-litellm-cache-key>", …]}.', 'keys');
    }
    const store = this.responseCache.store();
    if (!store)
      throw GatewayError.invalidRequest(
        'The response cache is off (litellm_settings.cache).',
        null,
        'cache_disabled',
      );
    return { status: 'success', deleted: await store.delete(parsed.data.keys) };
  }
}
