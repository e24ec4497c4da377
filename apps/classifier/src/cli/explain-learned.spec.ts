import { join } from 'node:path';
import { ComplexityRouter } from '@switchyard/complexity';
import { loadGatewayConfig } from '@switchyard/config';
import { ClassifyDecision } from '@switchyard/contracts';
import { explainLine } from './explain-line';

/** The example config of docs/routing.md: the OpenCode Go tiers with `classifier_type: learned`. */
const configuration = loadGatewayConfig({
  configPath: join(__dirname, '../../../../libs/complexity/src/learned/__fixtures__/learned-router.yaml'),
  environment: {},
});

describe(`${explainLine.name} with a learned router`, () => {
  const definition = configuration.router('opencodego-learned-router');
  if (!definition) throw new Error('no opencodego-learned-router');
  const sut = new ComplexityRouter(definition, { contextWindowOf: () => null });

  it('answers from the learned model and names the strongest features behind the decision', async () => {
    const line = JSON.stringify({
      model: 'opencodego-learned-router',
      messages: [{ role: 'user', content: 'thanks, that fixed it!' }],
    });
    const decision = ClassifyDecision.parse(JSON.parse((await explainLine(sut, line, 1)) ?? ''));
    expect(decision).toMatchObject({
      router: 'opencodego-learned-router',
      tier: 'SIMPLE',
      model: 'opencode-deepseek-v4-flash',
      cause: 'learned',
    });
    expect(decision.dimensions.length).toBeGreaterThan(0);
    for (const dimension of decision.dimensions) expect(dimension.name).toMatch(/^feature:/);
    expect(decision.notes[0]).toMatch(/^learned: P\(SIMPLE\)/);
  });
});
