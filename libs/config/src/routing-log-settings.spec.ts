import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { parseGatewayConfig } from './load-gateway-config';

const router = (extra: string) => `
model_list:
  - model_name: cheap
    litellm_params:
      model: openai/gpt-5.4-mini
  - model_name: r
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config:
        tiers:
          SIMPLE: cheap
        classifier_type: learned
${extra}`;

describe('the owner-loop settings of the config', () => {
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-owner-config-'));
  writeFileSync(join(folder, 'weights.json'), '{}');
  const parse = (yaml: string) =>
    parseGatewayConfig(yaml, { source: join(folder, 'config.yaml'), environment: {} });

  it('reads routing_log and its retention from general_settings (off by default)', () => {
    expect(parse(router('')).generalSettings.routing_log).toBeUndefined();
    const sut = parse(
      `${router('')}general_settings:\n  routing_log: true\n  routing_log_retention_days: 14\n  master_key: sk-x\n`,
    );
    expect(sut.generalSettings).toMatchObject({ routing_log: true, routing_log_retention_days: 14 });
  });

  it('refuses a retention that is not a whole number of days', () => {
    expect(() => parse(`${router('')}general_settings:\n  routing_log_retention_days: 0.5\n`)).toThrow(
      ConfigError,
    );
  });

  it("resolves learned_model_path from the config file's folder", () => {
    const sut = parse(router('        learned_model_path: weights.json\n'));
    expect(sut.router('r')?.config.learned_model_path).toBe(join(folder, 'weights.json'));
  });

  it('names a learned_model_path with no file behind it', () => {
    try {
      parse(router('        learned_model_path: missing.json\n'));
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems[0]).toContain(
        `model_list[1].litellm_params.complexity_router_config.learned_model_path: no model file at ${join(folder, 'missing.json')}`,
      );
    }
  });
});
