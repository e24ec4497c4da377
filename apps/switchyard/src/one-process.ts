import { type INestApplicationContext, Logger } from '@nestjs/common';
import { InProcessProviders } from '@switchyard/bus';
import {
  ConfigError,
  DispatcherEnvironment,
  type GatewayConfiguration,
  IngressEnvironment,
  LedgerEnvironment,
  loadConfigurationFromEnvironment,
  OneProcessEnvironment,
  readEnvironment,
} from '@switchyard/config';
import { Subjects } from '@switchyard/contracts';
import { ClassifierMetrics, createMetricsRegistry, startTracing } from '@switchyard/telemetry';
import { ClassifierModule } from '../../classifier/src/classifier.module';
import { ClassifyController } from '../../classifier/src/classify.controller';
import { createDispatcherApp } from '../../dispatcher/src/dispatcher-app';
import { checkDemoKey } from '../../ingress/src/auth/demo-key-policy';
import { MasterKey } from '../../ingress/src/auth/master-key';
import { createIngressApp } from '../../ingress/src/ingress-app';
import { createLedgerApp } from '../../ledger/src/ledger-app';

export interface OneProcess {
  /** the providers dispatched in this process, and those left to remote dispatchers. */
  local: string[];
  remote: string[];
  /** stops in the order that loses nothing: HTTP and its calls, then the dispatchers, then the ledger. */
  close(): Promise<void>;
}

/**
 * Switchyard in one process: the ledger, the dispatchers of every provider the config uses (but
 * `SWITCHYARD_REMOTE_PROVIDERS`), the classifier and the ingress, as the same Nest modules the
 * fleet runs, with the classify and dispatch hops in process (`InProcessBusClient` answers
 * `classify.v1`, `InProcessProviders` carries `dispatch.<provider>.*`). Usage still goes through
 * JetStream to the ledger's durable consumer; keys and spend still go over NATS to the ledger.
 */
export async function startOneProcess(): Promise<OneProcess> {
  const environment = readEnvironment(OneProcessEnvironment);
  const ingressEnvironment = readEnvironment(IngressEnvironment);
  startTracing('one-process', environment);
  const configuration = loadConfigurationFromEnvironment(environment);
  const { local, remote } = splitProviders(environment.SWITCHYARD_REMOTE_PROVIDERS, configuration);
  // before any module starts (the ingress checks again when it is created, as in the fleet)
  checkDemoKey(
    MasterKey.fromConfiguration(configuration, ingressEnvironment),
    configuration,
    ingressEnvironment,
  );
  const logger = new Logger('Switchyard');
  // the ingress's registry has the process metrics; the others only their modules' own
  const registries = {
    dispatcher: createMetricsRegistry('dispatcher', { processWide: false }),
    classifier: createMetricsRegistry('classifier', { processWide: false }),
    ledger: createMetricsRegistry('ledger', { processWide: false }),
  };
  const ledger = await createLedgerApp(
    { ...readEnvironment(LedgerEnvironment), METRICS_PORT: 0 },
    registries.ledger,
  );
  await ledger.listen();
  const providers = new InProcessProviders();
  let dispatcher: INestApplicationContext | null = null;
  if (local.length > 0) {
    dispatcher = await createDispatcherApp(
      { ...readEnvironment(DispatcherEnvironment), PROVIDERS: local.join(','), METRICS_PORT: 0 },
      configuration,
      { server: providers, registry: registries.dispatcher },
    );
  }
  const classify = new ClassifyController(
    ClassifierModule.compile(configuration, new ClassifierMetrics(registries.classifier)),
  );
  const ingress = await createIngressApp(ingressEnvironment, configuration, {
    rpc: { [Subjects.classify]: (payload, caller) => classify.handle(payload, caller) },
    providers,
    metricsRegistries: [registries.dispatcher, registries.classifier, registries.ledger],
  });
  await ingress.listen(ingressEnvironment.PORT, ingressEnvironment.HOST);
  logger.log(
    `one process: ingress, classifier, ledger and the dispatchers of ${local.join(', ') || 'no provider'}` +
      (remote.length > 0 ? `; ${remote.join(', ')} left to remote dispatchers over NATS` : ''),
  );
  return {
    local,
    remote,
    close: async () => {
      // the ingress stops taking requests and waits for its calls to settle (the dispatchers are
      // still here to send their last replies), then flushes its usage
      await ingress.close();
      // the dispatchers drain what is in flight and flush their usage to JetStream
      await dispatcher?.close();
      providers.close();
      // last, the ledger stops consuming (what it has not read stays in the durable stream)
      await ledger.close();
    },
  };
}

/** `SWITCHYARD_REMOTE_PROVIDERS` against the providers the config uses. */
export function splitProviders(
  remoteList: string,
  configuration: GatewayConfiguration,
): { local: string[]; remote: string[] } {
  const remote = [
    ...new Set(
      remoteList
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = remote.filter((name) => !configuration.providers.get(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      [
        `SWITCHYARD_REMOTE_PROVIDERS: unknown provider ${unknown.map((name) => `"${name}"`).join(', ')} (known: ${configuration.providers.names().join(', ')})`,
      ],
      'environment',
    );
  }
  return { local: configuration.providersInUse().filter((name) => !remote.includes(name)), remote };
}
