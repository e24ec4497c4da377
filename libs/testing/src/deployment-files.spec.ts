import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import {
  ClassifierMetrics,
  DispatcherMetrics,
  IngressMetrics,
  LedgerMetrics,
  UsagePublisherMetrics,
} from '@switchyard/telemetry';
import {
  dashboardMetricNames,
  dashboardQueries,
  metricNamesOf,
  type PanelLike,
  readDashboard,
} from './dashboard-queries';

const ROOT = join(__dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  container_name?: string;
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: unknown;
  stop_grace_period?: string;
}

const compose = parseYaml(read('docker-compose.yaml'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const prometheus = parseYaml(read('deploy/prometheus/prometheus.yml')) as {
  scrape_configs: {
    job_name: string;
    metrics_path?: string;
    dns_sd_configs?: { names: string[]; type: string; port: number }[];
  }[];
};

/** Every metric name of the catalogue (libs/telemetry/src/service-metrics.ts) and Node's default metrics. */
function knownMetricNames(): Set<string> {
  const registry = new Registry();
  new IngressMetrics(registry);
  new DispatcherMetrics(registry);
  new ClassifierMetrics(registry);
  new LedgerMetrics(registry);
  new UsagePublisherMetrics(registry);
  collectDefaultMetrics({ register: registry });
  const names = new Set<string>(['up']);
  for (const metric of registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    names.add(name);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  registry.clear();
  return names;
}

describe('metricNamesOf', () => {
  it('finds the metric names of a PromQL expression, not its functions, labels, strings or numbers', () => {
    expect(
      metricNamesOf(
        'histogram_quantile(0.95, sum by (le, provider) (rate(switchyard_upstream_latency_seconds_bucket{provider!~"x|y"}[$__rate_interval]))) * 1e3',
      ),
    ).toEqual(['switchyard_upstream_latency_seconds_bucket']);
    expect(metricNamesOf('count by (compose_service) (up{job="dispatcher"} == 1)')).toEqual(['up']);
    expect(metricNamesOf('sum(a_total) / on (job) group_left b_total')).toEqual(['a_total', 'b_total']);
  });
});

describe('deploy/grafana dashboard', () => {
  const dashboard = readDashboard(ROOT);
  const queries = dashboardQueries(dashboard);

  it('queries only metrics of the catalogue, Node default metrics and up', () => {
    const known = knownMetricNames();

    const unknown = dashboardMetricNames(ROOT).filter((name) => !known.has(name));

    expect(unknown).toEqual([]);
  });

  it('has the panels the operators asked for', () => {
    const prometheusQueries = queries.filter((query) => query.datasourceUid === 'prometheus');
    const reads = (pattern: RegExp) => prometheusQueries.some((query) => pattern.test(query.query));

    expect(reads(/sum by \(model_group\) \(rate\(switchyard_requests_total/)).toBe(true);
    expect(reads(/sum by \(router, tier\) \(rate\(switchyard_classifier_decisions_total/)).toBe(true);
    expect(reads(/sum by \(provider\) \(increase\(switchyard_spend_usd_total/)).toBe(true);
    expect(reads(/sum by \(model\) \(increase\(switchyard_spend_usd_total/)).toBe(true);
    expect(reads(/switchyard_router_baseline_spend_usd_total/)).toBe(true);
    expect(reads(/switchyard_tokens_total/)).toBe(true);
    expect(reads(/switchyard_cache_requests_total\{result="hit"\}/)).toBe(true);
    for (const quantile of ['0.5', '0.95', '0.99']) {
      expect(
        reads(new RegExp(`histogram_quantile\\(${quantile}, .*switchyard_gateway_overhead_seconds_bucket`)),
      ).toBe(true);
    }
    expect(reads(/switchyard_upstream_latency_seconds_bucket/)).toBe(true);
    expect(reads(/switchyard_time_to_first_token_seconds_bucket/)).toBe(true);
    expect(reads(/switchyard_upstream_attempts_total/)).toBe(true);
    expect(reads(/switchyard_dispatcher_in_flight_requests/)).toBe(true);
    expect(reads(/up\{job="dispatcher"\}/)).toBe(true);
    expect(reads(/switchyard_ledger_lag_seconds_bucket/)).toBe(true);
    // spend by key is not a Prometheus label (unbounded): it comes from the ledger's rows
    expect(
      queries.some((query) => query.datasourceUid === 'ledger-postgres' && /GROUP BY 1/.test(query.query)),
    ).toBe(true);
  });

  it('uses only provisioned datasources and unique panel ids', () => {
    const provisioned = parseYaml(read('deploy/grafana/provisioning/datasources/datasources.yaml')) as {
      datasources: { uid: string; url: string }[];
    };
    const uids = provisioned.datasources.map((datasource) => datasource.uid);

    expect(uids).toEqual(expect.arrayContaining(['prometheus', 'jaeger', 'ledger-postgres']));
    for (const query of queries) expect(uids).toContain(query.datasourceUid);
    const ids: number[] = [];
    const visit = (panels: PanelLike[] = []) => {
      for (const panel of panels) {
        if (panel.id !== undefined) ids.push(panel.id);
        visit(panel.panels);
      }
    };
    visit(dashboard.panels);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('docker-compose.yaml', () => {
  const services = compose.services;
  const providers = ['openai', 'anthropic', 'gemini', 'mistral', 'opencodego'];

  it('publishes only the ingress and Grafana', () => {
    const published = Object.entries(services)
      .filter(([, service]) => (service.ports ?? []).length > 0)
      .map(([name]) => name)
      .sort();

    expect(published).toEqual(['grafana', 'ingress']);
  });

  it('gives the dispatchers (30 s drain, then cancel and flush) and the ingress (20 s drain, then settle and flush) time to stop', () => {
    const seconds = (period = '10s') => Number(/^(\d+)s$/.exec(period)?.[1] ?? 0);
    for (const name of ['ingress', ...providers.map((provider) => `dispatcher-${provider}`)]) {
      expect([name, seconds(services[name].stop_grace_period) >= 40]).toEqual([name, true]);
    }
  });

  it('publishes on 127.0.0.1 unless BIND_ADDRESS says otherwise', () => {
    const ports = Object.values(services).flatMap((service) => service.ports ?? []);

    expect(ports.length).toBeGreaterThan(0);
    expect(ports.filter((port) => !port.startsWith('${BIND_ADDRESS:-127.0.0.1}:'))).toEqual([]);
  });

  it('names no container, so every service can be scaled', () => {
    expect(Object.entries(services).filter(([, service]) => service.container_name !== undefined)).toEqual(
      [],
    );
  });

  it('has the fleet: infrastructure, one dispatcher service per provider, and the observability stack', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'redis',
        'nats',
        'ingress',
        'classifier',
        'ledger',
        'mock-provider',
        'prometheus',
        'grafana',
        'jaeger',
        ...providers.map((provider) => `dispatcher-${provider}`),
      ]),
    );
    for (const provider of providers) {
      expect(services[`dispatcher-${provider}`].environment).toMatchObject({
        APP: 'dispatcher',
        PROVIDERS: provider,
        METRICS_PORT: '9100',
      });
    }
  });

  it('lets Prometheus find every replica of every service but the mock, on the port it serves /metrics on', () => {
    const scraped = new Map<string, number>();
    for (const job of prometheus.scrape_configs) {
      for (const discovery of job.dns_sd_configs ?? []) {
        expect(discovery.type).toBe('A');
        for (const name of discovery.names) scraped.set(name, discovery.port);
      }
    }
    const apps = Object.entries(services).filter(([, service]) => service.environment?.APP !== undefined);

    for (const [name, service] of apps) {
      const environment = service.environment ?? {};
      if (environment.APP === 'mock-provider') {
        expect(scraped.has(name)).toBe(false);
        continue;
      }
      const port = Number(environment.APP === 'ingress' ? environment.PORT : environment.METRICS_PORT);
      expect([name, scraped.get(name)]).toEqual([name, port]);
    }
    expect([...scraped.keys()].filter((name) => !(name in services))).toEqual([]);
  });

  it('bounds Redis memory without ever evicting (budget state lives beside the cache)', () => {
    const command = (services.redis as { command?: string[] }).command ?? [];
    const setting = (name: string) => command[command.indexOf(name) + 1];
    expect(setting('--maxmemory-policy')).toBe('noeviction');
    expect(setting('--maxmemory')).toBe('${REDIS_MAXMEMORY:-512mb}');
  });

  it('loads the alert rules, whose expressions read only metrics the services export', () => {
    const config = parseYaml(read('deploy/prometheus/prometheus.yml')) as { rule_files?: string[] };
    expect(config.rule_files).toEqual(['alerts.yml']);
    expect(services.prometheus.volumes).toContain(
      './deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro',
    );
    const rules = parseYaml(read('deploy/prometheus/alerts.yml')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const known = knownMetricNames();
    const alerts = rules.groups.flatMap((group) => group.rules);
    expect(alerts.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining(['UsageLedgerBehind', 'UsageUnreadNearStreamLimit', 'UsagePublisherStalled']),
    );
    for (const rule of alerts) {
      const unknown = metricNamesOf(rule.expr).filter((name) => !known.has(name));
      expect([rule.alert, unknown]).toEqual([rule.alert, []]);
    }
  });

  it('mounts deployment files that exist', () => {
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('./')) expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
      }
    }
  });

  it('documents in .env.example every variable it reads', () => {
    const example = read('.env.example');
    const variables = [
      ...new Set([...read('docker-compose.yaml').matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1])),
    ];

    const undocumented = variables.filter(
      (variable) => !new RegExp(`^#?\\s*${variable}=`, 'm').test(example),
    );

    expect(undocumented).toEqual([]);
  });
});
