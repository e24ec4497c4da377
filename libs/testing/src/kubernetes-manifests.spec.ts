import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  type Container,
  type Deployment,
  type EnvironmentVariable,
  ManifestRenderError,
  parseRenderedObjects,
  type PodSpec,
  type RenderedObjects,
  renderKustomization,
  selects,
} from './kubernetes-objects';

const ROOT = join(__dirname, '../../..');
const KUBERNETES = join(ROOT, 'deploy/kubernetes');
const PROVIDERS = ['openai', 'anthropic', 'gemini', 'mistral', 'opencodego'];
const PROVIDER_KEYS: Record<string, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  gemini: 'GEMINI_API_KEY',
  mistral: 'MISTRAL_API_KEY',
  opencodego: 'OPENCODE_GO_API_KEY',
};
const SECRET_NAME = 'switchyard-secrets';
/** variables that carry a credential (a URL of Postgres or Redis holds its password). */
const SECRET_VARIABLE = /KEY|PASSWORD|SECRET|TOKEN|^NATS_USER$|^DATABASE_URL$|^REDIS_URL$/;
/** apps/dispatcher/src/dispatcher.module.ts SHUTDOWN_GRACE_MS: in-flight requests get this long. */
const DISPATCHER_DRAIN_SECONDS = 30;

const variable = (container: Container, variableName: string) =>
  container.env?.find((item) => item.name === variableName);
const valueOf = (item: EnvironmentVariable | undefined) => (item && 'value' in item ? item.value : undefined);
const appContainer = (deployment: Deployment) => deployment.spec.template.spec.containers[0];
const appOf = (deployment: Deployment) => valueOf(variable(appContainer(deployment), 'APP'));
const preStopSeconds = (container: Container) => {
  const command = container.lifecycle?.preStop.exec.command ?? [];
  return command[0] === 'sleep' ? Number(command[1]) : 0;
};
const workloads = (objects: RenderedObjects) => [...objects.Deployment, ...objects.StatefulSet];
const podSpecs = (objects: RenderedObjects): [string, PodSpec][] =>
  workloads(objects).map((workload) => [workload.metadata.name, workload.spec.template.spec]);

describe('kubectl kustomize of deploy/kubernetes', () => {
  it('names kubectl when it is missing instead of failing obscurely', () => {
    expect(() =>
      renderKustomization(join(KUBERNETES, 'overlays/demo'), 'kubectl-not-installed-here'),
    ).toThrow(/kubectl is not installed/);
  });

  it('rejects an object whose fields the cluster would not accept', () => {
    const rendered = renderKustomization(join(KUBERNETES, 'overlays/demo')).replace(
      'readinessProbe:',
      'readinesProbe:',
    );

    expect(() => parseRenderedObjects(rendered)).toThrow(ManifestRenderError);
  });
});

describe.each(['demo', 'production'])('deploy/kubernetes/overlays/%s', (overlay) => {
  let rendered = '';
  let objects: RenderedObjects;

  beforeAll(() => {
    rendered = renderKustomization(join(KUBERNETES, 'overlays', overlay));
    objects = parseRenderedObjects(rendered);
  });

  const configMap = (prefix: string) => {
    // generated ConfigMaps carry a hash of their content after the name
    const found = objects.ConfigMap.find((item) =>
      new RegExp(`^${prefix}(-[a-z0-9]{10})?$`).test(item.metadata.name),
    );
    if (!found) throw new Error(`no ConfigMap ${prefix}`);
    return found;
  };

  it('renders only objects valid for their kind, all in one namespace', () => {
    const all = Object.values(objects).flat() as { metadata: { namespace?: string } }[];

    expect(all.length).toBeGreaterThan(20);
    expect(new Set(all.map((item) => item.metadata.namespace))).toEqual(
      new Set([`switchyard${overlay === 'demo' ? '-demo' : ''}`]),
    );
  });

  it('has one Deployment per service and per provider dispatcher of the example config', () => {
    const names = objects.Deployment.map((deployment) => deployment.metadata.name);

    expect(names).toEqual(
      expect.arrayContaining(['ingress', 'classifier', 'ledger', ...PROVIDERS.map((p) => `dispatcher-${p}`)]),
    );
    for (const provider of PROVIDERS) {
      const dispatcher = objects.Deployment.find((item) => item.metadata.name === `dispatcher-${provider}`)!;
      expect(appOf(dispatcher)).toBe('dispatcher');
      expect(valueOf(variable(appContainer(dispatcher), 'PROVIDERS'))).toBe(provider);
    }
  });

  it('gives every workload readiness and liveness probes on a port it serves, resources and a PDB', () => {
    for (const workload of workloads(objects)) {
      const pod = workload.spec.template;
      for (const container of pod.spec.containers) {
        const portNames = container.ports.map((port) => port.name);
        const label = `${workload.metadata.name}/${container.name}`;
        expect([label, container.readinessProbe && container.livenessProbe ? 'probes' : 'no probes']).toEqual(
          [label, 'probes'],
        );
        for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
          if (probe)
            expect([label, portNames]).toEqual([label, expect.arrayContaining([probe.httpGet.port])]);
        }
        expect([label, container.resources?.requests?.cpu, container.resources?.requests?.memory]).toEqual([
          label,
          expect.anything(),
          expect.anything(),
        ]);
        expect([label, container.resources?.limits?.memory]).toEqual([label, expect.anything()]);
      }
      const budgets = objects.PodDisruptionBudget.filter((budget) =>
        selects(budget.spec.selector.matchLabels, pod.metadata.labels),
      );
      expect([workload.metadata.name, budgets.length]).toEqual([workload.metadata.name, 1]);
      expect(selects(workload.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    }
  });

  it('probes the health endpoints the apps serve: the ingress on PORT, workers on METRICS_PORT', () => {
    for (const deployment of objects.Deployment) {
      const container = appContainer(deployment);
      const app = appOf(deployment);
      if (app === 'mock-provider') {
        expect(container.readinessProbe?.httpGet.path).toBe('/__mock/health');
        continue;
      }
      const served = Number(valueOf(variable(container, app === 'ingress' ? 'PORT' : 'METRICS_PORT')));
      const probed = container.ports.find((port) => port.name === container.readinessProbe?.httpGet.port);
      expect([deployment.metadata.name, probed?.containerPort]).toEqual([deployment.metadata.name, served]);
      expect(container.readinessProbe?.httpGet.path).toBe('/health/readiness');
      expect(container.livenessProbe?.httpGet.path).toBe('/health/liveness');
    }
  });

  it('autoscales the ingress and every dispatcher, and leaves their replica count to the autoscaler', () => {
    const scaled = objects.Deployment.filter((item) => ['ingress', 'dispatcher'].includes(appOf(item) ?? ''));

    expect(scaled).toHaveLength(1 + PROVIDERS.length);
    for (const deployment of scaled) {
      const autoscalers = objects.HorizontalPodAutoscaler.filter(
        (hpa) => hpa.spec.scaleTargetRef.name === deployment.metadata.name,
      );
      expect([deployment.metadata.name, autoscalers.length]).toEqual([deployment.metadata.name, 1]);
      // a replicas field would reset the autoscaler's count on every apply
      expect([deployment.metadata.name, deployment.spec.replicas]).toEqual([
        deployment.metadata.name,
        undefined,
      ]);
    }
    for (const hpa of objects.HorizontalPodAutoscaler) {
      expect(objects.Deployment.map((item) => item.metadata.name)).toContain(hpa.spec.scaleTargetRef.name);
    }
  });

  it('holds no Secret and no credential: every secret variable comes from the existing Secret by name', () => {
    expect(rendered).not.toMatch(/^kind: Secret$/m);
    for (const [workload, spec] of podSpecs(objects)) {
      for (const container of spec.containers) {
        for (const item of container.env ?? []) {
          if (!SECRET_VARIABLE.test(item.name)) continue;
          expect([workload, item]).toEqual([
            workload,
            {
              name: item.name,
              valueFrom: { secretKeyRef: expect.objectContaining({ name: SECRET_NAME, key: item.name }) },
            },
          ]);
        }
      }
    }
    for (const map of objects.ConfigMap) {
      expect(Object.keys(map.data).filter((key) => SECRET_VARIABLE.test(key))).toEqual([]);
      for (const text of Object.values(map.data)) expect(text).not.toMatch(/sk-[A-Za-z0-9_-]{12,}/);
    }
  });

  it('gives each provider key to that provider’s dispatchers only', () => {
    for (const deployment of objects.Deployment) {
      const provider = valueOf(variable(appContainer(deployment), 'PROVIDERS'));
      const keys = Object.values(PROVIDER_KEYS).filter((key) => variable(appContainer(deployment), key));
      expect([deployment.metadata.name, keys]).toEqual([
        deployment.metadata.name,
        provider ? [PROVIDER_KEYS[provider]] : [],
      ]);
    }
  });

  it('pins every image tag (never :latest or untagged)', () => {
    for (const [workload, spec] of podSpecs(objects)) {
      for (const container of spec.containers) {
        expect([workload, container.image]).toEqual([
          workload,
          expect.stringMatching(/(:[\w.-]+|@sha256:[a-f0-9]{64})$/),
        ]);
        expect(container.image).not.toMatch(/:latest$/);
      }
    }
  });

  it('runs every app from one image of the build', () => {
    const images = new Set(objects.Deployment.map((deployment) => appContainer(deployment).image));

    expect(images.size).toBe(1);
  });

  it('runs every container as non-root on a read-only root filesystem without privileges', () => {
    for (const [workload, spec] of podSpecs(objects)) {
      expect([workload, spec.securityContext?.runAsNonRoot]).toEqual([workload, true]);
      for (const container of spec.containers) {
        expect([workload, container.securityContext]).toEqual([
          workload,
          { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        ]);
      }
    }
  });

  it('gives the ingress and dispatchers time to drain in-flight requests before they are killed', () => {
    for (const deployment of objects.Deployment) {
      const app = appOf(deployment);
      if (app !== 'ingress' && app !== 'dispatcher') continue;
      const container = appContainer(deployment);
      const grace = deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30;
      expect(preStopSeconds(container)).toBeGreaterThan(0);
      expect([deployment.metadata.name, grace]).toEqual([
        deployment.metadata.name,
        expect.any(Number) as number,
      ]);
      expect(grace).toBeGreaterThanOrEqual(preStopSeconds(container) + DISPATCHER_DRAIN_SECONDS + 5);
    }
  });

  it('runs NATS as a 3-node JetStream cluster and creates the usage streams with 3 replicas', () => {
    const [nats] = objects.StatefulSet;
    const configuration = configMap('switchyard-nats-config').data['nats.conf'];
    const headless = objects.Service.find((service) => service.metadata.name === nats.spec.serviceName);
    const environment = configMap('switchyard-environment').data;

    expect(objects.StatefulSet).toHaveLength(1);
    expect(nats.spec.replicas).toBe(3);
    expect(nats.spec.podManagementPolicy).toBe('Parallel');
    expect(headless?.spec.clusterIP).toBe('None');
    expect(configuration).toMatch(/^jetstream \{[^}]*store_dir: \/data/m);
    const routes = [...configuration.matchAll(/nats:\/\/([\w.-]+):6222/g)].map((match) => match[1]);
    expect(routes).toEqual(
      [0, 1, 2].map((ordinal) => `${nats.metadata.name}-${ordinal}.${nats.spec.serviceName}`),
    );
    expect(environment.USAGE_STREAM_REPLICAS).toBe('3');
    const client = objects.Service.find(
      (service) => environment.NATS_URL === `nats://${service.metadata.name}:4222`,
    );
    expect(client && selects(client.spec.selector, nats.spec.template.metadata.labels)).toBe(true);
  });

  it('mounts config/ (generated, unchanged) at /app/config of every app and names a file it holds', () => {
    const config = configMap('switchyard-config');
    const environment = configMap('switchyard-environment').data;

    for (const file of ['litellm_config.yaml', 'demo.yaml', 'providers.json']) {
      expect(config.data[file]).toBe(readFileSync(join(ROOT, 'config', file), 'utf8'));
    }
    expect(Object.keys(config.data)).toContain(environment.GATEWAY_CONFIG.replace(/^config\//, ''));
    for (const deployment of objects.Deployment) {
      if (appOf(deployment) === 'mock-provider') continue;
      const spec = deployment.spec.template.spec;
      const volume = spec.volumes?.find(
        (item) => 'configMap' in item && item.configMap.name === config.metadata.name,
      );
      const mount = appContainer(deployment).volumeMounts?.find((item) => item.name === volume?.name);
      expect([deployment.metadata.name, mount?.mountPath]).toEqual([deployment.metadata.name, '/app/config']);
      expect(appContainer(deployment).envFrom).toEqual([
        { configMapRef: { name: configMap('switchyard-environment').metadata.name } },
      ]);
    }
  });

  it('uses the environment expected by the overlay', () => {
    const environment = configMap('switchyard-environment').data;

    if (overlay === 'demo') {
      expect(environment).toMatchObject({
        GATEWAY_CONFIG: 'config/demo.yaml',
        MOCK_PROVIDER_URL: 'http://mock-provider:4010',
      });
      expect(objects.Service.map((service) => service.metadata.name)).toContain('mock-provider');
    } else {
      expect(environment.GATEWAY_CONFIG).toBe('config/litellm_config.yaml');
      expect(environment.MOCK_PROVIDER_URL).toBeUndefined();
    }
  });

  it('lets the Prometheus Operator scrape /metrics of every app but the mock, on a port the pod declares', () => {
    for (const deployment of objects.Deployment) {
      const pod = deployment.spec.template;
      const monitors = objects.PodMonitor.filter((monitor) => {
        const selector = monitor.spec.selector;
        if ('matchLabels' in selector) return selects(selector.matchLabels, pod.metadata.labels);
        return selector.matchExpressions.every((expression) =>
          expression.operator === 'In'
            ? expression.values.includes(pod.metadata.labels[expression.key])
            : !expression.values.includes(pod.metadata.labels[expression.key]),
        );
      });
      const scrapedPorts = monitors.flatMap((monitor) =>
        monitor.spec.podMetricsEndpoints.map((item) => item.port),
      );
      const declared = appContainer(deployment).ports.map((port) => port.name);
      const name = deployment.metadata.name;
      if (appOf(deployment) === 'mock-provider') {
        expect([name, monitors]).toEqual([name, []]);
        continue;
      }
      expect([name, scrapedPorts.filter((port) => declared.includes(port))]).toEqual([
        name,
        [expect.any(String)],
      ]);
    }
  });

  it('ships the Grafana dashboard as a ConfigMap for the dashboard sidecar', () => {
    const dashboard = configMap('switchyard-grafana-dashboard');

    expect(dashboard.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(dashboard.data['switchyard.json']).toBe(
      readFileSync(join(ROOT, 'deploy/grafana/dashboards/switchyard.json'), 'utf8'),
    );
  });

  it('references only ConfigMaps that the render holds (generated names carry their hash)', () => {
    const names = new Set(objects.ConfigMap.map((item) => item.metadata.name));
    for (const [workload, spec] of podSpecs(objects)) {
      for (const volume of spec.volumes ?? []) {
        if ('configMap' in volume)
          expect([workload, names.has(volume.configMap.name)]).toEqual([workload, true]);
      }
      for (const container of spec.containers) {
        for (const source of container.envFrom ?? []) {
          expect([workload, names.has(source.configMapRef.name)]).toEqual([workload, true]);
        }
      }
    }
  });
});

describe('deploy/kubernetes/overlays/production scale', () => {
  it('sizes each provider’s dispatchers on their own', () => {
    const objects = parseRenderedObjects(renderKustomization(join(KUBERNETES, 'overlays/production')));
    const bounds = PROVIDERS.map((provider) => {
      const hpa = objects.HorizontalPodAutoscaler.find(
        (item) => item.metadata.name === `dispatcher-${provider}`,
      )!;
      return [hpa.spec.minReplicas, hpa.spec.maxReplicas];
    });

    expect(new Set(bounds.map((pair) => pair.join('-'))).size).toBeGreaterThan(1);
    expect(Math.min(...bounds.map(([minimum]) => minimum))).toBeGreaterThanOrEqual(2);
  });
});

describe('deploy/kubernetes sources', () => {
  it('keeps every file parseable YAML', () => {
    for (const file of ['base/nats.yaml', 'overlays/production/scale.yaml']) {
      for (const document of parseAllDocuments(readFileSync(join(KUBERNETES, file), 'utf8'))) {
        expect([file, document.errors]).toEqual([file, []]);
      }
    }
  });
});
