import { join } from 'node:path';
import { type Deployment, loadGatewayConfig } from '@switchyard/config';
import { contextWindowOfModel } from './context-window-of-model';

const deployment = (maxInputTokens: number | null) => ({ maxInputTokens }) as Deployment;

describe(contextWindowOfModel.name, () => {
  const deployments: Record<string, Deployment[]> = {
    known: [deployment(128_000), deployment(200_000)],
    partly: [deployment(128_000), deployment(null)],
  };
  const sut = contextWindowOfModel(
    { deploymentsFor: (name) => deployments[name] ?? [] },
    (item) => item.maxInputTokens,
  );

  it("is the largest deployment window when every deployment's is known", () => {
    expect(sut('known')).toBe(200_000);
  });

  it('is unknown when one deployment is unknown, or there is none', () => {
    expect(sut('partly')).toBeNull();
    expect(sut('absent')).toBeNull();
  });

  it('reads model_info.max_input_tokens, else the bundled price data', () => {
    const configuration = loadGatewayConfig({
      configPath: join(__dirname, '../../../../config/demo.yaml'),
      environment: {},
    });
    const windowOf = contextWindowOfModel(configuration);
    expect(windowOf('gpt-5.5')).toBe(1_050_000);
    expect(windowOf('claude-haiku-4-5')).toBe(200_000);
    expect(windowOf('opencode-kimi-k2-6')).toBeNull();
  });
});
