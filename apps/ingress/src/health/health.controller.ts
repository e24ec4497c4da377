import { Controller, Get } from '@nestjs/common';

/** `/health/liveness`: the process answers (no dependency is checked). */
@Controller('health')
export class HealthController {
  @Get('liveness')
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
