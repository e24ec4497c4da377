import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { Api, ApiError, type Identity } from './api';
import { ConsoleContext } from './console-context';
import { KeysPage } from './pages/keys-page';
import { LogsPage } from './pages/logs-page';
import { ModelsPage } from './pages/models-page';
import { MyKeyPage } from './pages/my-key-page';
import { OverviewPage } from './pages/overview-page';
import { RoutingPage } from './pages/routing-page';
import { SetupPage } from './pages/setup-page';
import { TeamsPage } from './pages/teams-page';
import { forgetKey, storedKey, storeKey } from './session';

interface PageDefinition {
  id: string;
  title: string;
  roles: Identity['role'][];
  render: () => React.ReactNode;
}

const PAGES: PageDefinition[] = [
  { id: 'overview', title: 'Overview', roles: ['master', 'virtual'], render: () => <OverviewPage /> },
  { id: 'keys', title: 'Keys', roles: ['master'], render: () => <KeysPage /> },
  { id: 'teams', title: 'Teams', roles: ['master'], render: () => <TeamsPage /> },
  { id: 'my-key', title: 'My key', roles: ['virtual'], render: () => <MyKeyPage /> },
  { id: 'logs', title: 'Spend logs', roles: ['master', 'virtual'], render: () => <LogsPage /> },
  { id: 'routing', title: 'Routing', roles: ['master'], render: () => <RoutingPage /> },
  { id: 'models', title: 'Models & health', roles: ['master', 'virtual'], render: () => <ModelsPage /> },
  { id: 'setup', title: 'Setup', roles: ['master'], render: () => <SetupPage /> },
];

function currentPageId(): string {
  return window.location.hash.replace(/^#\/?/, '') || 'overview';
}

export function App() {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<{ api: Api; identity: Identity } | null>(null);
  const [restoring, setRestoring] = useState(() => storedKey() !== null);
  const [pageId, setPageId] = useState(currentPageId);

  useEffect(() => {
    const onHashChange = () => setPageId(currentPageId());
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  useEffect(() => {
    const key = storedKey();
    if (key === null) return;
    const api = new Api(key);
    api
      .identity()
      .then((identity) => setSession({ api, identity }))
      .catch(() => forgetKey())
      .finally(() => setRestoring(false));
  }, []);

  const signOut = () => {
    forgetKey();
    queryClient.clear();
    setSession(null);
  };

  const context = useMemo(
    () => (session ? { api: session.api, identity: session.identity, signOut } : null),
    [session],
  );

  if (restoring) return <p className="loading">Loading…</p>;
  if (context === null) {
    return (
      <SignIn
        onSignedIn={(api, identity) => {
          queryClient.clear();
          setSession({ api, identity });
        }}
      />
    );
  }

  const pages = PAGES.filter((page) => page.roles.includes(context.identity.role));
  const page = pages.find((candidate) => candidate.id === pageId) ?? pages[0];
  const who =
    context.identity.role === 'master'
      ? 'master key'
      : `key ${context.identity.key.key_alias ?? context.identity.key.key_name}`;

  return (
    <ConsoleContext.Provider value={context}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">Switchyard</span>
        <nav aria-label="Pages">
          <ul>
            {pages.map((candidate) => (
              <li key={candidate.id}>
                <a href={`#/${candidate.id}`} aria-current={candidate.id === page.id ? 'page' : undefined}>
                  {candidate.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who" data-testid="signed-in-as">
          {who}
        </span>
        <button type="button" className="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{page.title}</h1>
        {page.render()}
      </main>
    </ConsoleContext.Provider>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (api: Api, identity: Identity) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const api = new Api(key.trim());
    try {
      const identity = await api.identity();
      storeKey(key.trim());
      setKey('');
      onSignedIn(api, identity);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The gateway did not answer.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <form onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Switchyard console</h1>
        <p>Sign in with the master key (everything) or a virtual key (its own usage).</p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          value={key}
          onChange={(event) => setKey(event.target.value)}
        />
        <button type="submit" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <p className="hint">
          The key stays in this tab&apos;s session storage and is sent only to this gateway.
        </p>
      </form>
    </main>
  );
}
