import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComplexityRouter } from '@switchyard/complexity';
import { loadGatewayConfig } from '@switchyard/config';
import { ClassifyDecision } from '@switchyard/contracts';
import { explainLine } from './explain-line';

const configuration = loadGatewayConfig({
  configPath: join(__dirname, '../../../../config/demo.yaml'),
  environment: {},
});
const fixtures = join(__dirname, '../../../../test/fixtures');

function routerNamed(name: string): ComplexityRouter {
  const definition = configuration.router(name);
  if (!definition) throw new Error(`no ${name}`);
  return new ComplexityRouter(definition, { contextWindowOf: () => null });
}

describe(explainLine.name, () => {
  const sut = routerNamed('opencodego-router');

  it('prints the decision of a chat completions body as one JSON line', async () => {
    const line = JSON.stringify({
      model: 'opencodego-router',
      messages: [
        {
          role: 'user',
          content:
            'Explain your reasoning for this authentication architecture. First, analyze the distributed design, then implement the container orchestration layer.',
        },
      ],
    });
    const output = await explainLine(sut, line, 1);
    expect(output).not.toContain('\n');
    const decision = ClassifyDecision.parse(JSON.parse(output ?? ''));
    expect(decision).toMatchObject({
      router: 'opencodego-router',
      tier: 'REASONING',
      model: 'opencode-mimo-v2-5-pro',
      score: 0.595,
      cause: 'heuristic_scorer',
    });
    expect(decision.dimensions).toHaveLength(7);
  });

  it('reads a captured request (the fixtures) as its body', async () => {
    const captured = readFileSync(join(fixtures, 'opencode-chat-request.json'), 'utf8').replace(/\n\s*/g, '');
    expect(JSON.parse((await explainLine(sut, captured, 1)) ?? '')).toMatchObject({
      tier: 'SIMPLE',
      model: 'opencode-deepseek-v4-flash',
      score: -0.2,
    });
  });

  it('prints an error line for a line that is not JSON, or not a request, and for a refused request', async () => {
    expect(JSON.parse((await explainLine(sut, '{not json', 3)) ?? '')).toMatchObject({
      line: 3,
      error: expect.stringContaining('not valid JSON') as unknown,
    });
    expect(JSON.parse((await explainLine(sut, '{"model":"x"}', 4)) ?? '')).toEqual({
      line: 4,
      error: 'not a chat completions request: messages: Invalid input: expected array, received undefined',
    });
    const mistral = routerNamed('mistral-router');
    const medium = JSON.stringify({
      model: 'mistral-router',
      messages: [
        {
          role: 'user',
          content: 'Refactor the API to use async database queries with proper error handling',
        },
      ],
    });
    expect(JSON.parse((await explainLine(mistral, medium, 5)) ?? '')).toMatchObject({
      line: 5,
      status: 500,
      code: 'router_tier_missing',
    });
  });

  it('prints nothing for a blank line', async () => {
    expect(await explainLine(sut, '   ', 6)).toBeNull();
  });
});
