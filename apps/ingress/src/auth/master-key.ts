import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError, type GatewayConfiguration, type IngressEnvironment } from '@switchyard/config';

/** The master key, compared in constant time (both sides hashed first, so lengths never leak). */
export class MasterKey {
  private readonly digest: Buffer;

  constructor(key: string) {
    this.digest = createHash('sha256').update(key).digest();
  }

  matches(candidate: string): boolean {
    return timingSafeEqual(this.digest, createHash('sha256').update(candidate).digest());
  }

  /** `general_settings.master_key` (usually `os.environ/LITELLM_MASTER_KEY`), else `LITELLM_MASTER_KEY`. */
  static fromConfiguration(configuration: GatewayConfiguration, environment: IngressEnvironment): MasterKey {
    const configured = configuration.generalSettings.master_key;
    const key =
      configured === undefined ? environment.LITELLM_MASTER_KEY : configuration.tryResolve(configured);
    if (!key) {
      throw new ConfigError(
        [
          configured === undefined
            ? 'LITELLM_MASTER_KEY: not set; the gateway needs a master key (set it in .env, e.g. LITELLM_MASTER_KEY=sk-...)'
            : `general_settings.master_key: ${typeof configured === 'string' ? 'empty' : `environment variable ${configured.name} is not set`}; set it in .env`,
        ],
        configuration.source,
      );
    }
    if (!key.startsWith('sk-')) {
      throw new ConfigError(
        ['LITELLM_MASTER_KEY: must start with "sk-" (LiteLLM convention)'],
        'environment',
      );
    }
    return new MasterKey(key);
  }
}
