import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GatewayConfiguration, IngressEnvironment } from '@switchyard/config';
import { IngressMetrics } from '@switchyard/telemetry';
import { ApiKeyGuard } from './auth/api-key.guard';
import { authenticateBeforeBody } from './auth/authenticate-before-body';
import { checkDemoKey } from './auth/demo-key-policy';
import { MasterKey } from './auth/master-key';
import { registerJsonBodyParser } from './http/json-body-parser';
import { registerRequestMetrics } from './http/request-metrics';
import type { IngressTransport } from './infrastructure/ingress-transport';
import { IngressModule } from './ingress.module';
import { OpenAIExceptionFilter, sendFrameworkError } from './surfaces/openai-exception.filter';

/**
 * The ingress as a Nest application, ready to `listen`: the Fastify edge, its body parser, request
 * metrics, authentication before the body and the surfaces' error envelope. Started by its own
 * `main.ts` (the fleet) and by `apps/switchyard` (the one-process mode, with in-process hops).
 */
export async function createIngressApp(
  environment: IngressEnvironment,
  configuration: GatewayConfiguration,
  transport: IngressTransport = {},
): Promise<NestFastifyApplication> {
  // fail before listening when the master key is missing, or is the public demo key where it would guard something
  checkDemoKey(MasterKey.fromConfiguration(configuration, environment), configuration, environment);
  const bodyLimitMb = configuration.generalSettings.max_request_size_mb ?? environment.MAX_REQUEST_BODY_MB;
  const bodyLimitBytes = Math.round(bodyLimitMb * 1024 * 1024);
  // the JSON parser enforces the limit itself (a 413 in the surface's envelope); Fastify's is a backstop
  const adapter = new FastifyAdapter({
    bodyLimit: bodyLimitBytes,
    logger: false,
    frameworkErrors: sendFrameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    IngressModule.forRoot(environment, configuration, transport),
    adapter,
    {
      abortOnError: false,
      bodyParser: false,
      logger: environment.LOG_LEVEL === 'silent' ? false : ['log', 'warn', 'error', 'fatal'],
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  registerJsonBodyParser(fastify, bodyLimitBytes, bodyLimitMb);
  registerRequestMetrics(fastify, app.get(IngressMetrics));
  // after the metrics hook, so refused calls are counted; before any body is read
  authenticateBeforeBody(fastify, app.get(ApiKeyGuard));
  app.useGlobalFilters(new OpenAIExceptionFilter({ ...environment, MAX_REQUEST_BODY_MB: bodyLimitMb }));
  return app;
}
