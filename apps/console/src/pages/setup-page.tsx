import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { CopyButton, Panel, QueryState } from '../components';
import { useConsole } from '../console-context';

/** One agent's setup as the gateway writes it (`GET /integrations/<name>`), with where it goes. */
interface AgentSetup {
  name: string;
  title: string;
  note: ReactNode;
}

const AGENT_SETUPS: AgentSetup[] = [
  {
    name: 'opencode',
    title: 'OpenCode (~/.config/opencode/opencode.json)',
    note: (
      <>
        The file never holds a key: OpenCode reads <code>LITELLM_API_KEY</code> from the environment.
      </>
    ),
  },
  {
    name: 'codex',
    title: 'Codex CLI (~/.codex/config.toml)',
    note: (
      <>
        Codex speaks the Responses API; it reads the key from <code>LITELLM_API_KEY</code> (
        <code>env_key</code>).
      </>
    ),
  },
  {
    name: 'gemini-cli',
    title: 'Gemini CLI (environment)',
    note: (
      <>
        With <code>{'{"security":{"auth":{"selectedType":"gemini-api-key"}}}'}</code> in{' '}
        <code>~/.gemini/settings.json</code> (<code>GET /integrations/gemini-cli/settings.json</code>); the
        key comes from <code>LITELLM_API_KEY</code>.
      </>
    ),
  },
  {
    name: 'claude-code',
    title: 'Claude Code (environment)',
    note: (
      <>
        The key comes from <code>LITELLM_API_KEY</code>; <code>ANTHROPIC_DEFAULT_HAIKU_MODEL</code> takes
        Claude Code&apos;s background asks.
      </>
    ),
  },
];

function AgentSetupPanel({ setup }: { setup: AgentSetup }) {
  const { api } = useConsole();
  const query = useQuery({
    queryKey: ['integration', setup.name],
    queryFn: () => api.integration(setup.name),
  });
  return (
    <Panel title={setup.title} actions={query.data ? <CopyButton text={query.data} /> : undefined}>
      <p className="muted">
        From <code>GET /integrations/{setup.name}</code>. {setup.note}
      </p>
      <QueryState error={query.error} loading={query.isLoading} />
      {query.data && <pre className="code">{query.data}</pre>}
    </Panel>
  );
}

export function SetupPage() {
  const origin = window.location.origin;
  const openai = [`export OPENAI_BASE_URL=${origin}/v1`, 'export OPENAI_API_KEY=<your key>'].join('\n');
  return (
    <div className="stack">
      {AGENT_SETUPS.map((setup) => (
        <AgentSetupPanel key={setup.name} setup={setup} />
      ))}
      <Panel title="OpenAI SDKs and scripts" actions={<CopyButton text={openai} />}>
        <pre className="code">{openai}</pre>
      </Panel>
    </div>
  );
}
