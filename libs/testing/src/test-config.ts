import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from './test-fleet';

export interface ConfigDocument {
  model_list: {
    model_name: string;
    litellm_params: Record<string, unknown>;
    model_info?: Record<string, unknown>;
  }[];
  general_settings?: Record<string, unknown>;
  litellm_settings?: Record<string, unknown>;
  router_settings?: Record<string, unknown>;
}

/**
 * A variant of `config/demo.yaml` for one test (fallbacks, limits, secrets from the environment…),
 * written with `providers.json` beside it in a temporary folder. Returns the config path.
 */
export function writeTestConfig(change: (document: ConfigDocument) => void): string {
  const document = parse(readFileSync(join(REPO_ROOT, 'config/demo.yaml'), 'utf8')) as ConfigDocument;
  change(document);
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
  copyFileSync(join(REPO_ROOT, 'config/providers.json'), join(folder, 'providers.json'));
  const path = join(folder, 'config.yaml');
  writeFileSync(path, stringify(document));
  return path;
}
