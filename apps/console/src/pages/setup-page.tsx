import { useQuery } from '@tanstack/react-query';
import { CopyButton, Panel, QueryState } from '../components';
import { useConsole } from '../console-context';

export function SetupPage() {
  const { api } = useConsole();
  const origin = window.location.origin;
  const opencode = useQuery({
    queryKey: ['integration', 'opencode'],
    queryFn: () => api.integration('opencode'),
  });
  const claudeCode = [
    `export ANTHROPIC_BASE_URL=${origin}`,
    'export ANTHROPIC_AUTH_TOKEN=<your key>',
    'export ANTHROPIC_MODEL=<a model or router>',
    'claude',
  ].join('\n');
  const openai = [`export OPENAI_BASE_URL=${origin}/v1`, 'export OPENAI_API_KEY=<your key>'].join('\n');
  return (
    <div className="stack">
      <Panel
        title="OpenCode (~/.config/opencode/opencode.json)"
        actions={opencode.data ? <CopyButton text={opencode.data} /> : undefined}
      >
        <p className="muted">
          From <code>GET /integrations/opencode</code>. The file never holds a key: OpenCode reads{' '}
          <code>LITELLM_API_KEY</code> from the environment.
        </p>
        <QueryState error={opencode.error} loading={opencode.isLoading} />
        {opencode.data && <pre className="code">{opencode.data}</pre>}
      </Panel>
      <Panel title="Claude Code" actions={<CopyButton text={claudeCode} />}>
        <pre className="code">{claudeCode}</pre>
      </Panel>
      <Panel title="OpenAI SDKs and scripts" actions={<CopyButton text={openai} />}>
        <pre className="code">{openai}</pre>
      </Panel>
    </div>
  );
}
