import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  IngressEnvironment,
  loadConfigurationFromEnvironment,
  readEnvironment,
  runService,
} from '@switchyard/config';
import { MasterKey } from './auth/master-key';
import { registerJsonBodyParser } from './http/json-body-parser';
import { registerRequestMetrics } from './http/request-metrics';
import { IngressMetrics, startTracing } from '@switchyard/telemetry';
import { IngressModule } from './ingress.module';
import { OpenAIExceptionFilter, sendFrameworkError } from './openai/openai-exception.filter';

runService('ingress', async () => {
  const environment = readEnvironment(IngressEnvironment);
  startTracing('ingress', environment);
  const configuration = loadConfigurationFromEnvironment(environment);
  MasterKey.fromConfiguration(configuration, environment); // fail before listening when it is missing
  const bodyLimitMb = configuration.generalSettings.max_request_size_mb ?? environment.MAX_REQUEST_BODY_MB;
  // the JSON parser enforces the limit itself (and answers 413 after draining); Fastify only caps the extreme
  const adapter = new FastifyAdapter({
    bodyLimit: Math.round(bodyLimitMb * 1024 * 1024) * 8,
    logger: false,
    frameworkErrors: sendFrameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    IngressModule.forRoot(environment, configuration),
    adapter,
    {
      abortOnError: false,
      bodyParser: false,
      logger: environment.LOG_LEVEL === 'silent' ? false : ['log', 'warn', 'error', 'fatal'],
    },
  );
  registerJsonBodyParser(
    app.getHttpAdapter().getInstance(),
    Math.round(bodyLimitMb * 1024 * 1024),
    bodyLimitMb,
  );
  registerRequestMetrics(app.getHttpAdapter().getInstance(), app.get(IngressMetrics));
  app.useGlobalFilters(new OpenAIExceptionFilter({ ...environment, MAX_REQUEST_BODY_MB: bodyLimitMb }));
  app.enableShutdownHooks();
  await app.listen(environment.PORT, environment.HOST);
});
