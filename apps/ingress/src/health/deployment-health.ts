import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Deployment, GatewayConfiguration, IngressEnvironment } from '@switchyard/config';
import { GATEWAY_CONFIGURATION, INGRESS_ENVIRONMENT } from '../infrastructure/tokens';
import { buildHealthReport, type HealthReport, type ProbeRecord } from './health-report';
import {
  FIRST_ROUND_DELAY_MS,
  HealthSettings,
  NO_DISPATCHER_RETRY_MS,
  type ProbeSchedule,
} from './health-settings';
import { ProbeClient, ProbeFailureCodes } from './probe-client';

/** How often the background loop looks for deployments whose last probe is older than the interval. */
const TICK_MS = 1_000;
/** Probes in flight at once (a round of 27 deployments takes a few sequential waves, never a burst). */
const MAX_CONCURRENT_PROBES = 8;

export interface DeploymentProber {
  probe(deployment: Deployment): Promise<ProbeRecord>;
}

/**
 * Per-deployment health from probes run through the dispatchers, cached: the background loop
 * re-probes each deployment once its last result is older than `health_check_interval`, starting
 * a few seconds after boot; `/health` only reads the cache (plus, for deployments configured to be
 * checked on demand, probes those whose result is stale). Routers are derived in the report.
 */
@Injectable()
export class DeploymentHealth implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeploymentHealth.name);
  readonly settings: HealthSettings;
  private readonly records = new Map<string, ProbeRecord>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(ProbeClient) private readonly prober: DeploymentProber,
    @Inject(INGRESS_ENVIRONMENT) environment: Pick<IngressEnvironment, 'BACKGROUND_HEALTH_CHECKS'>,
  ) {
    this.settings = new HealthSettings(configuration, environment.BACKGROUND_HEALTH_CHECKS);
  }

  onApplicationBootstrap(): void {
    const background = this.deploymentsScheduled('background');
    if (background.length === 0) return;
    this.logger.log(
      `probing ${background.length} deployments in the background every ${this.settings.intervalMs / 1000} s`,
    );
    this.schedule(FIRST_ROUND_DELAY_MS);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The health report; probes the stale on-demand deployments first (none by default). */
  async report(now = Date.now()): Promise<HealthReport> {
    await this.probeDue('on_demand', now);
    return buildHealthReport(this.configuration, this.settings, this.records);
  }

  /** Probes every deployment of this schedule whose last result is stale; resolves when they are done. */
  async probeDue(schedule: ProbeSchedule, now = Date.now()): Promise<void> {
    const due = this.deploymentsScheduled(schedule).filter((deployment) => this.isDue(deployment, now));
    const queue = [...due];
    const worker = async () => {
      for (let deployment = queue.shift(); deployment; deployment = queue.shift()) {
        await this.probeOnce(deployment);
      }
    };
    await Promise.all(Array.from({ length: Math.min(MAX_CONCURRENT_PROBES, queue.length) }, worker));
  }

  private deploymentsScheduled(schedule: ProbeSchedule): Deployment[] {
    return this.configuration.deployments.filter(
      (deployment) => this.settings.scheduleOf(deployment) === schedule,
    );
  }

  private isDue(deployment: Deployment, now: number): boolean {
    const record = this.records.get(deployment.id);
    if (!record) return true;
    const age = now - record.checkedAt.getTime();
    if (record.error?.code === ProbeFailureCodes.noDispatcher) {
      return age >= Math.min(NO_DISPATCHER_RETRY_MS, this.settings.intervalMs);
    }
    return age >= this.settings.intervalMs;
  }

  /** One probe per deployment at a time: a second caller waits for the probe in flight. */
  private probeOnce(deployment: Deployment): Promise<void> {
    const running = this.inFlight.get(deployment.id);
    if (running) return running;
    const probe = this.prober
      .probe(deployment)
      .then((record) => {
        const previous = this.records.get(deployment.id);
        if (previous && previous.status !== record.status) {
          this.logger.log(
            `${deployment.modelName} (${deployment.id}) is now ${record.status}${record.error ? `: ${record.error.message}` : ''}`,
          );
        }
        this.records.set(deployment.id, record);
      })
      .catch((error: unknown) => {
        this.records.set(deployment.id, {
          status: 'unhealthy',
          checkedAt: new Date(),
          latencyMs: null,
          probe: null,
          error: { message: `probe failed: ${(error as Error).message}`, code: 'probe_failed', status: 500 },
        });
      })
      .finally(() => this.inFlight.delete(deployment.id));
    this.inFlight.set(deployment.id, probe);
    return probe;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.probeDue('background').finally(() => this.schedule(TICK_MS));
    }, delayMs);
    this.timer.unref();
  }
}
