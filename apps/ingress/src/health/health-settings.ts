import type { Deployment, GatewayConfiguration } from '@switchyard/config';

/** LiteLLM's default `general_settings.health_check_interval`, in seconds. */
export const DEFAULT_HEALTH_CHECK_INTERVAL_S = 300;
/** The first round starts this long after boot, so a fresh gateway reports health within seconds. */
export const FIRST_ROUND_DELAY_MS = 2_000;
/**
 * A deployment whose dispatcher did not answer (not started yet, restarting) is probed again after
 * this long instead of a whole interval: that is the gateway's own state, not the provider's, and
 * asking again costs the provider nothing.
 */
export const NO_DISPATCHER_RETRY_MS = 5_000;

/** How a deployment is checked. */
export type ProbeSchedule =
  /** by the background loop, every interval. */
  | 'background'
  /** when `/health` is asked and the last result is older than the interval. */
  | 'on_demand'
  /** never (`disable_background_health_check` with `health_check_skip_disabled_background_models`). */
  | 'skipped';

/**
 * The health-check settings of the config, as LiteLLM means them:
 * - `health_check_interval` (seconds, default 300);
 * - `background_health_checks`: Switchyard probes in the background unless this (or the
 *   `BACKGROUND_HEALTH_CHECKS` environment variable, which wins) is `false`, in which case
 *   `/health` probes on demand (cached for the interval);
 * - `model_info.disable_background_health_check`: not probed in the background; checked on demand
 *   by `/health`, or never when `health_check_skip_disabled_background_models` is true.
 */
export class HealthSettings {
  readonly intervalMs: number;
  readonly background: boolean;
  readonly skipDisabled: boolean;

  /** `backgroundOverride`: the `BACKGROUND_HEALTH_CHECKS` environment variable, when set. */
  constructor(configuration: GatewayConfiguration, backgroundOverride?: boolean) {
    const general = configuration.generalSettings;
    this.intervalMs = (general.health_check_interval ?? DEFAULT_HEALTH_CHECK_INTERVAL_S) * 1000;
    this.background = backgroundOverride ?? general.background_health_checks !== false;
    this.skipDisabled = general.health_check_skip_disabled_background_models === true;
  }

  scheduleOf(deployment: Deployment): ProbeSchedule {
    if (deployment.healthCheckDisabled) return this.skipDisabled ? 'skipped' : 'on_demand';
    return this.background ? 'background' : 'on_demand';
  }
}
