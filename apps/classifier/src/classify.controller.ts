import { Controller, Inject, UseFilters } from '@nestjs/common';
import type { MsgHdrs } from 'nats';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { contextFromHeaders, GatewayRpcExceptionFilter } from '@switchyard/bus';
import { type Context, SpanKind, tracer } from '@switchyard/telemetry';
import { type ClassifyDecision, ClassifyRequest, parseBusMessage, Subjects } from '@switchyard/contracts';
import { DecideRoute } from './decide-route';

/** `classify.v1`: validate, decide, reply. */
@Controller()
@UseFilters(GatewayRpcExceptionFilter)
export class ClassifyController {
  constructor(@Inject(DecideRoute) private readonly decideRoute: DecideRoute) {}

  @MessagePattern(Subjects.classify)
  classify(@Payload() payload: unknown, @Ctx() nats: NatsContext): Promise<ClassifyDecision> {
    return this.handle(payload, contextFromHeaders(nats.getHeaders() as MsgHdrs | undefined));
  }

  /** one request as it arrived, on the bus or in process (the one-process mode), under the caller's trace. */
  async handle(payload: unknown, caller: Context): Promise<ClassifyDecision> {
    const span = tracer.startSpan(Subjects.classify, { kind: SpanKind.SERVER }, caller);
    try {
      const decision = await this.decide(payload);
      span.setAttributes({
        'switchyard.router': decision.router,
        'switchyard.router.tier': decision.tier ?? 'none',
        'switchyard.router.cause': decision.cause,
        'gen_ai.request.model': decision.model,
      });
      return decision;
    } finally {
      span.end();
    }
  }

  private decide(payload: unknown): Promise<ClassifyDecision> {
    const parsed = parseBusMessage(ClassifyRequest, Subjects.classify, payload);
    if (!parsed.success) throw parsed.error;
    return this.decideRoute.execute(parsed.data);
  }
}
