import { parseGatewayConfig } from '@switchyard/config';
import {
  AgentSetupError,
  buildClaudeCodeEnvironment,
  buildCodexConfig,
  buildGeminiCliEnvironment,
} from './build-agent-setup';

const configuration = parseGatewayConfig(
  `
model_list:
  - model_name: cheap
    litellm_params: { model: openai/gpt-5.4-mini, api_key: k }
  - model_name: smart-router
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config:
        tiers: { SIMPLE: cheap, COMPLEX: strong }
  - model_name: strong
    litellm_params: { model: anthropic/claude-opus-4-8, api_key: k }
  - model_name: "it's odd"
    litellm_params: { model: openai/gpt-5.4, api_key: k }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_key: k }
    model_info: { mode: embedding }
`,
  { source: 'agent-setup-test.yaml', environment: {} },
);

describe(buildCodexConfig.name, () => {
  it('writes a Responses provider block at <gateway>/v1 with the key from the environment, selected by the top-level lines', () => {
    const sut = buildCodexConfig(configuration, { gatewayUrl: 'http://127.0.0.1:4000/' });

    expect(sut.split('\n')).toEqual([
      '# Switchyard for Codex CLI: ~/.codex/config.toml (Codex reads the key from $LITELLM_API_KEY)',
      'model_provider = "switchyard"',
      'model = "smart-router"',
      '',
      '[model_providers.switchyard]',
      'name = "Switchyard"',
      'base_url = "http://127.0.0.1:4000/v1"',
      'env_key = "LITELLM_API_KEY"',
      'wire_api = "responses"',
      '',
    ]);
  });

  it('takes the provider and model asked for, quoting the model as a TOML string', () => {
    const sut = buildCodexConfig(configuration, {
      gatewayUrl: 'https://gw.test',
      providerName: 'gw',
      model: "it's odd",
    });

    expect(sut).toContain('model_provider = "gw"\nmodel = "it\'s odd"\n');
    expect(sut).toContain('[model_providers.gw]\n');
  });

  it('refuses a provider name that is not a bare TOML key and a model the gateway does not serve', () => {
    expect(() => buildCodexConfig(configuration, { gatewayUrl: 'http://x', providerName: 'a.b' })).toThrow(
      AgentSetupError,
    );
    expect(() => buildCodexConfig(configuration, { gatewayUrl: 'http://x', model: 'embedder' })).toThrow(
      /model "embedder" is not a chat model or router/,
    );
  });
});

describe(buildGeminiCliEnvironment.name, () => {
  it('exports the gateway root, the key by reference and the model', () => {
    const sut = buildGeminiCliEnvironment(configuration, { gatewayUrl: 'http://127.0.0.1:4000' });

    expect(sut.split('\n').filter((line) => line.startsWith('export '))).toEqual([
      'export GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:4000',
      'export GEMINI_API_KEY="$LITELLM_API_KEY"',
      'export GEMINI_MODEL=smart-router',
    ]);
  });
});

describe(buildClaudeCodeEnvironment.name, () => {
  it('exports the gateway root, the key by reference, the model and the background model', () => {
    const sut = buildClaudeCodeEnvironment(configuration, {
      gatewayUrl: 'http://127.0.0.1:4000',
      model: 'strong',
      smallModel: 'cheap',
    });

    expect(sut.split('\n').filter((line) => line.startsWith('export '))).toEqual([
      'export ANTHROPIC_BASE_URL=http://127.0.0.1:4000',
      'export ANTHROPIC_AUTH_TOKEN="$LITELLM_API_KEY"',
      'export ANTHROPIC_MODEL=strong',
      'export ANTHROPIC_DEFAULT_HAIKU_MODEL=cheap',
    ]);
  });

  it('quotes a model name the shell would split, and refuses an unknown small model', () => {
    expect(
      buildClaudeCodeEnvironment(configuration, { gatewayUrl: 'http://x', model: "it's odd" }),
    ).toContain(`export ANTHROPIC_MODEL='it'\\''s odd'\n`);
    expect(() =>
      buildClaudeCodeEnvironment(configuration, { gatewayUrl: 'http://x', smallModel: 'gpt-9' }),
    ).toThrow(/small_model "gpt-9"/);
  });
});
