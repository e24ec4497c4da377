import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, formatCount, formatUsd, type Team } from '../api';
import { BudgetBar, Dialog, QueryState } from '../components';
import { useConsole } from '../console-context';
import {
  describeLimits,
  LimitFields,
  limitDraftOf,
  limitsOfDraft,
  listOf,
  ScopeFieldset,
  textOrNull,
} from './limit-fields';

const teamName = (team: Team): string => team.team_alias ?? team.team_id;

function statusOf(team: Team): string {
  if (team.blocked) return 'blocked';
  if (team.max_budget !== null && team.spend >= team.max_budget) return 'over budget';
  return 'active';
}

/** Teams of the master key: spend against budget, limits, members; create, block, detail. */
export function TeamsPage() {
  const { api } = useConsole();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const [blocking, setBlocking] = useState<Team | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const teams = useQuery({ queryKey: ['teams'], queryFn: () => api.listTeams() });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['teams'] });
  const block = useMutation({
    mutationFn: (team: Team) => api.blockTeam(team.team_id, !team.blocked),
    onSuccess: async () => {
      setBlocking(null);
      await refresh();
    },
    onError: (caught: unknown) =>
      setActionError(caught instanceof ApiError ? caught.message : 'The gateway did not answer.'),
  });

  const needle = search.trim().toLowerCase();
  const rows = (teams.data?.teams ?? []).filter(
    (team) =>
      needle === '' ||
      [team.team_id, team.team_alias, ...team.models, ...team.tags].some((field) =>
        field?.toLowerCase().includes(needle),
      ),
  );

  return (
    <div className="stack">
      <div className="toolbar">
        <label className="search">
          <span className="visually-hidden">Search teams</span>
          <input
            type="search"
            placeholder="Search id, alias, model, tag"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <button type="button" onClick={() => setCreating(true)}>
          Create team
        </button>
      </div>
      {actionError && (
        <p role="alert" className="error">
          {actionError}
        </p>
      )}
      <QueryState error={teams.error} loading={teams.isLoading} />
      {teams.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Team</th>
                <th scope="col">Models</th>
                <th scope="col">Spend / budget</th>
                <th scope="col">Limits</th>
                <th scope="col" className="number">
                  Members
                </th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((team) => (
                <tr key={team.team_id} data-team-id={team.team_id}>
                  <td>
                    <strong>{teamName(team)}</strong>
                    {team.team_alias && <div className="muted mono">id {team.team_id}</div>}
                    {team.tags.map((tag) => (
                      <span key={tag} className="tag">
                        {tag}
                      </span>
                    ))}
                  </td>
                  <td>{team.models.length === 0 ? 'all models' : team.models.join(', ')}</td>
                  <td data-testid="team-spend">
                    <BudgetBar spend={team.spend} budget={team.max_budget} />
                    {team.max_budget === null && <div>{formatUsd(team.spend)}</div>}
                    {team.budget_duration && <div className="muted">per {team.budget_duration}</div>}
                  </td>
                  <td>{describeLimits(team)}</td>
                  <td className="number">{formatCount(team.members_with_roles.length)}</td>
                  <td>
                    <span className={`status status-${statusOf(team).replace(' ', '-')}`}>
                      {statusOf(team)}
                    </span>
                  </td>
                  <td>
                    <div className="actions">
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => setShown(team.team_id)}
                        aria-label={`Details of ${teamName(team)}`}
                      >
                        Details
                      </button>
                      <button
                        type="button"
                        className={team.blocked ? 'secondary' : 'danger'}
                        onClick={() => setBlocking(team)}
                      >
                        {team.blocked ? 'Unblock' : 'Block'}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p className="empty">No teams{needle ? ' match' : ' yet'}.</p>}
        </div>
      )}

      <Dialog title="Create team" open={creating} onClose={() => setCreating(false)}>
        <TeamForm
          onCreated={async () => {
            setCreating(false);
            await refresh();
          }}
        />
      </Dialog>

      <Dialog
        title={blocking?.blocked ? 'Unblock team' : 'Block team'}
        open={blocking !== null}
        onClose={() => setBlocking(null)}
      >
        {blocking && (
          <div className="stack">
            <p>
              {blocking.blocked
                ? `Unblock ${teamName(blocking)}? Its keys work again within a second.`
                : `Block ${teamName(blocking)}? Every key of the team is refused (401) within a second; its usage stays in the logs.`}
            </p>
            <div className="actions">
              <button type="button" className="secondary" onClick={() => setBlocking(null)}>
                Cancel
              </button>
              <button
                type="button"
                className={blocking.blocked ? undefined : 'danger'}
                onClick={() => block.mutate(blocking)}
                disabled={block.isPending}
              >
                {blocking.blocked ? 'Unblock team' : 'Block team'}
              </button>
            </div>
          </div>
        )}
      </Dialog>

      <Dialog title={`Team ${shown ?? ''}`} open={shown !== null} onClose={() => setShown(null)}>
        {shown && <TeamDetail teamId={shown} />}
      </Dialog>
    </div>
  );
}

/** `/team/new`: id and alias, scope, budget and window, rate limits, tags. */
function TeamForm({ onCreated }: { onCreated: () => Promise<void> }) {
  const { api } = useConsole();
  const [teamId, setTeamId] = useState('');
  const [alias, setAlias] = useState('');
  const [scope, setScope] = useState<string[]>([]);
  const [limits, setLimits] = useState(() => limitDraftOf());
  const [tags, setTags] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const settings: Record<string, unknown> = {
      team_alias: textOrNull(alias),
      models: scope,
      ...limitsOfDraft(limits),
      tags: listOf(tags),
    };
    // no id typed: the gateway makes one (a UUID)
    if (teamId.trim() !== '') settings.team_id = teamId.trim();
    setBusy(true);
    try {
      await api.createTeam(settings);
      await onCreated();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The gateway did not answer.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="key-form" onSubmit={(event) => void submit(event)}>
      <div className="form-grid">
        <label>
          Team id
          <input
            name="team_id"
            placeholder="backend (empty: a UUID)"
            value={teamId}
            onChange={(event) => setTeamId(event.target.value)}
          />
        </label>
        <label>
          Team alias
          <input name="team_alias" value={alias} onChange={(event) => setAlias(event.target.value)} />
        </label>
        <LimitFields draft={limits} onChange={setLimits} />
        <label className="wide">
          Tags
          <input
            name="tags"
            placeholder="backend, prod (comma-separated)"
            value={tags}
            onChange={(event) => setTags(event.target.value)}
          />
        </label>
      </div>
      <ScopeFieldset scope={scope} onChange={setScope} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Create team'}
      </button>
    </form>
  );
}

/** One team: its settings, members, keys and spend by model (all time). */
function TeamDetail({ teamId }: { teamId: string }) {
  const { api } = useConsole();
  const info = useQuery({ queryKey: ['team', teamId], queryFn: () => api.teamInfo(teamId) });
  const spend = useQuery({
    queryKey: ['team-spend', teamId],
    queryFn: () => api.report({ group_by: 'model', team_id: teamId }),
  });
  const team = info.data?.team_info;
  return (
    <div className="stack" data-testid="team-detail">
      <QueryState error={info.error} loading={info.isLoading} />
      {team && (
        <dl className="detail">
          <div>
            <dt>Alias</dt>
            <dd>{team.team_alias ?? '—'}</dd>
          </div>
          <div>
            <dt>Spend this window</dt>
            <dd>
              <BudgetBar spend={team.spend} budget={team.max_budget} />
              {team.budget_reset_at && (
                <div className="muted">resets {team.budget_reset_at.slice(0, 16)}</div>
              )}
            </dd>
          </div>
          <div>
            <dt>Models</dt>
            <dd>{team.models.length === 0 ? 'all models' : team.models.join(', ')}</dd>
          </div>
          <div>
            <dt>Limits</dt>
            <dd>{describeLimits(team)}</dd>
          </div>
          <div>
            <dt>Tags</dt>
            <dd>{team.tags.length > 0 ? team.tags.join(', ') : '—'}</dd>
          </div>
          <div>
            <dt>Keys</dt>
            <dd>
              {info.data!.keys.length === 0
                ? 'none'
                : info.data!.keys.map((key) => key.key_alias ?? key.key_name).join(', ')}
            </dd>
          </div>
        </dl>
      )}
      <h3>Members</h3>
      {team && team.members_with_roles.length === 0 && <p className="empty">No members.</p>}
      {team && team.members_with_roles.length > 0 && (
        <ul className="members">
          {team.members_with_roles.map((member) => (
            <li key={member.user_id}>
              {member.user_id} <span className="tag">{member.role}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>Spend by model</h3>
      <QueryState error={spend.error} loading={spend.isLoading} />
      {spend.data && spend.data.rows.length === 0 && <p className="empty">No usage yet.</p>}
      {spend.data && spend.data.rows.length > 0 && (
        <div className="table-wrap">
          <table data-testid="team-spend-by-model">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" className="number">
                  Requests
                </th>
                <th scope="col" className="number">
                  Tokens
                </th>
                <th scope="col" className="number">
                  Cost
                </th>
              </tr>
            </thead>
            <tbody>
              {spend.data.rows.map((row) => (
                <tr key={row.group ?? '(none)'} data-model={row.group ?? ''}>
                  <td>{row.group ?? '—'}</td>
                  <td className="number">{formatCount(row.requests)}</td>
                  <td className="number">{formatCount(row.tokens.total)}</td>
                  <td className="number" data-testid="cost">
                    {formatUsd(row.cost_usd)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
