import { createHmac, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { GatewayConfiguration, IngressEnvironment } from '@switchyard/config';

/** A freshly made virtual key: the key (shown once), its hash and its display name. */
export interface MintedKey {
  key: string;
  keyHash: string;
  keyName: string;
}

/** Bytes of randomness in a virtual key (`sk-` + 43 base64url characters). */
const KEY_BYTES = 32;

/**
 * The keyed hash that identifies a virtual key everywhere (ledger rows, bus messages, cache):
 * HMAC-SHA256 with `LITELLM_SALT_KEY`, hex. The key itself exists only in the client's hands and
 * in the one response that hands it out.
 */
export class KeyHasher {
  constructor(private readonly salt: string) {}

  hash(key: string): string {
    return createHmac('sha256', this.salt).update(key).digest('hex');
  }

  mint(): MintedKey {
    const key = `sk-${randomBytes(KEY_BYTES).toString('base64url')}`;
    return { key, keyHash: this.hash(key), keyName: displayName(key) };
  }

  /** `LITELLM_SALT_KEY`, else the master key (as LiteLLM does; rotating it then invalidates every virtual key). */
  static fromConfiguration(configuration: GatewayConfiguration, environment: IngressEnvironment): KeyHasher {
    if (environment.LITELLM_SALT_KEY) return new KeyHasher(environment.LITELLM_SALT_KEY);
    const configured = configuration.generalSettings.master_key;
    const masterKey =
      configured === undefined ? environment.LITELLM_MASTER_KEY : configuration.tryResolve(configured);
    if (!masterKey) throw new Error('KeyHasher needs LITELLM_SALT_KEY or a master key');
    new Logger('Keys').warn(
      'LITELLM_SALT_KEY is not set: virtual keys are hashed with the master key, so changing the master key invalidates every virtual key',
    );
    return new KeyHasher(masterKey);
  }
}

/** A non-secret way to show a key: `sk-...` and its last four characters. */
export function displayName(key: string): string {
  return `sk-...${key.slice(-4)}`;
}
