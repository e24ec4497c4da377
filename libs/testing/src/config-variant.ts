import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

export interface ConfigVariant {
  configPath: string;
  providersPath: string;
}

/**
 * A copy of a config of the repository (default `config/demo.yaml`) with some `general_settings`
 * changed, written to a temporary folder; `providers.json` of the original is used as is.
 */
export function configVariant(
  repoRoot: string,
  generalSettings: Record<string, unknown>,
  source = 'config/demo.yaml',
): ConfigVariant {
  const document = parseDocument(readFileSync(join(repoRoot, source), 'utf8'));
  for (const [key, value] of Object.entries(generalSettings)) {
    document.setIn(['general_settings', key], value);
  }
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
  const configPath = join(folder, 'config.yaml');
  writeFileSync(configPath, document.toString());
  return { configPath, providersPath: join(repoRoot, 'config/providers.json') };
}
