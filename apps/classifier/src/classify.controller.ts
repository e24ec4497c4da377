import { Controller, Inject, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GatewayRpcExceptionFilter } from '@switchyard/bus';
import { type ClassifyDecision, ClassifyRequest, GatewayError, Subjects } from '@switchyard/contracts';
import { DecideRoute } from './decide-route';

/** `classify.v1`: validate, decide, reply. */
@Controller()
@UseFilters(GatewayRpcExceptionFilter)
export class ClassifyController {
  constructor(@Inject(DecideRoute) private readonly decideRoute: DecideRoute) {}

  @MessagePattern(Subjects.classify)
  classify(@Payload() payload: unknown): ClassifyDecision {
    const parsed = ClassifyRequest.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw GatewayError.invalidRequest(
        `invalid classify request: ${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`,
        null,
        'invalid_bus_message',
      );
    }
    return this.decideRoute.execute(parsed.data);
  }
}
