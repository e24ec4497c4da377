import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, formatUsd, type MintedKey, type VirtualKeyInfo } from '../api';
import { BudgetBar, CopyButton, Dialog, QueryState } from '../components';
import { useConsole } from '../console-context';
import { KeyForm } from './key-form';
import { describeLimits } from './limit-fields';

const PAGE_SIZE = 100;

type Pending = { kind: 'delete' | 'regenerate'; key: VirtualKeyInfo } | null;

function statusOf(key: VirtualKeyInfo): string {
  if (key.blocked) return 'blocked';
  if (key.expires !== null && Date.parse(key.expires) < Date.now()) return 'expired';
  if (key.max_budget !== null && key.spend >= key.max_budget) return 'over budget';
  return 'active';
}

export function KeysPage() {
  const { api } = useConsole();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<VirtualKeyInfo | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [minted, setMinted] = useState<MintedKey | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const keys = useQuery({
    queryKey: ['keys', page],
    queryFn: () => api.listKeys({ page, size: PAGE_SIZE }),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['keys'] });
  const onError = (caught: unknown) =>
    setActionError(caught instanceof ApiError ? caught.message : 'The gateway did not answer.');
  const block = useMutation({
    mutationFn: ({ key, blocked }: { key: string; blocked: boolean }) => api.blockKey(key, blocked),
    onSuccess: refresh,
    onError,
  });
  const confirm = useMutation({
    mutationFn: async (action: NonNullable<Pending>) => {
      if (action.kind === 'delete') {
        await api.deleteKey(action.key.key_id);
        return null;
      }
      return api.regenerateKey(action.key.key_id);
    },
    onSuccess: async (result) => {
      setPending(null);
      if (result) setMinted(result);
      await refresh();
    },
    onError,
  });

  const needle = search.trim().toLowerCase();
  const shown = (keys.data?.keys ?? []).filter(
    (key) =>
      needle === '' ||
      [key.key_alias, key.key_name, key.key_id, key.user_id, key.team_id, ...key.models].some((field) =>
        field?.toLowerCase().includes(needle),
      ),
  );

  return (
    <div className="stack">
      <div className="toolbar">
        <label className="search">
          <span className="visually-hidden">Search keys</span>
          <input
            type="search"
            placeholder="Search alias, name, id, team, model"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <button type="button" onClick={() => setCreating(true)}>
          Create key
        </button>
      </div>
      {actionError && (
        <p role="alert" className="error">
          {actionError}
        </p>
      )}
      <QueryState error={keys.error} loading={keys.isLoading} />
      {keys.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Scope</th>
                <th scope="col">Spend / budget</th>
                <th scope="col">Limits</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((key) => (
                <tr key={key.key_id} data-key-alias={key.key_alias ?? ''} data-key-id={key.key_id}>
                  <td>
                    <strong>{key.key_alias ?? '(no alias)'}</strong>
                    <div className="muted mono">{key.key_name}</div>
                    <div className="muted mono">id {key.key_id}</div>
                    {key.team_id && <div className="muted">team {key.team_id}</div>}
                    {(key.tags ?? []).map((tag) => (
                      <span key={tag} className="tag">
                        {tag}
                      </span>
                    ))}
                  </td>
                  <td>{key.models.length === 0 ? 'all models' : key.models.join(', ')}</td>
                  <td>
                    <BudgetBar spend={key.spend} budget={key.max_budget} />
                    {key.budget_duration && <div className="muted">per {key.budget_duration}</div>}
                    <div className="muted">total {formatUsd(key.total_spend)}</div>
                  </td>
                  <td>{describeLimits(key)}</td>
                  <td>{key.expires ? key.expires.slice(0, 10) : 'never'}</td>
                  <td>
                    <span className={`status status-${statusOf(key).replace(' ', '-')}`}>
                      {statusOf(key)}
                    </span>
                  </td>
                  <td>
                    <div className="actions">
                      <button type="button" className="secondary" onClick={() => setEditing(key)}>
                        Edit
                      </button>
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => block.mutate({ key: key.key_id, blocked: !key.blocked })}
                      >
                        {key.blocked ? 'Unblock' : 'Block'}
                      </button>
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => setPending({ kind: 'regenerate', key })}
                      >
                        Regenerate
                      </button>
                      <button
                        type="button"
                        className="danger"
                        onClick={() => setPending({ kind: 'delete', key })}
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 && <p className="empty">No keys{needle ? ' match' : ' yet'}.</p>}
          <div className="pager">
            <button
              type="button"
              className="secondary"
              disabled={page <= 1}
              onClick={() => setPage(page - 1)}
            >
              Previous
            </button>
            <span>
              page {page} of {Math.max(keys.data.total_pages, 1)} ({keys.data.total_count} keys)
            </span>
            <button
              type="button"
              className="secondary"
              disabled={page >= keys.data.total_pages}
              onClick={() => setPage(page + 1)}
            >
              Next
            </button>
          </div>
        </div>
      )}

      <Dialog title="Create key" open={creating} onClose={() => setCreating(false)}>
        <KeyForm
          submitLabel="Create key"
          onSubmit={async (settings) => {
            const created = await api.generateKey(settings);
            setCreating(false);
            setMinted(created);
            await refresh();
          }}
        />
      </Dialog>

      <Dialog
        title={`Edit ${editing?.key_alias ?? editing?.key_name ?? ''}`}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing && (
          <KeyForm
            initial={editing}
            submitLabel="Save"
            onSubmit={async (settings) => {
              await api.updateKey({ ...settings, key: editing.key_id });
              setEditing(null);
              await refresh();
            }}
          />
        )}
      </Dialog>

      <Dialog
        title={pending?.kind === 'delete' ? 'Delete key' : 'Regenerate key'}
        open={pending !== null}
        onClose={() => setPending(null)}
      >
        {pending && (
          <div className="stack">
            <p>
              {pending.kind === 'delete'
                ? `Delete ${pending.key.key_alias ?? pending.key.key_name}? Calls with it are refused at once; its usage stays in the logs.`
                : `Regenerate ${pending.key.key_alias ?? pending.key.key_name}? The current key stops working at once; settings and spend stay.`}
            </p>
            <div className="actions">
              <button type="button" className="secondary" onClick={() => setPending(null)}>
                Cancel
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => confirm.mutate(pending)}
                disabled={confirm.isPending}
              >
                {pending.kind === 'delete' ? 'Delete' : 'Regenerate'}
              </button>
            </div>
          </div>
        )}
      </Dialog>

      <Dialog title="Your new key" open={minted !== null} onClose={() => setMinted(null)}>
        {minted && (
          <div className="stack">
            <p>This is the only time the key is shown. Copy it now.</p>
            <div className="new-key">
              <code data-testid="new-key">{minted.key}</code>
              <CopyButton text={minted.key} />
            </div>
            <button type="button" onClick={() => setMinted(null)}>
              Done
            </button>
          </div>
        )}
      </Dialog>
    </div>
  );
}
