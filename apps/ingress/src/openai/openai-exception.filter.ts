import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { IngressEnvironment } from '@switchyard/config';
import { INGRESS_ENVIRONMENT } from '../infrastructure/tokens';
import { errorHeaders, toGatewayError } from '../http/to-gateway-error';
import { requestContext } from '../http/request-context';
import { openAIErrorBody } from './openai-error';

/** Every failure on the OpenAI surface (and the admin routes) as OpenAI's error envelope. */
@Catch()
export class OpenAIExceptionFilter implements ExceptionFilter {
  constructor(@Inject(INGRESS_ENVIRONMENT) private readonly environment: IngressEnvironment) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const error = toGatewayError(exception, this.environment.MAX_REQUEST_BODY_MB);
    const raw = reply.raw;
    if (raw.headersSent) {
      // a stream had begun: end it with an error event the client can read
      if (!raw.writableEnded) raw.end(`data: ${JSON.stringify(openAIErrorBody(error))}\n\n`);
      return;
    }
    const context = requestContext(http.getRequest());
    void reply
      .code(error.status)
      .headers({ ...errorHeaders(error), 'x-litellm-call-id': context.callId })
      .send(openAIErrorBody(error));
  }
}
