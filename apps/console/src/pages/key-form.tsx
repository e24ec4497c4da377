import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, type VirtualKeyInfo } from '../api';
import { useConsole } from '../console-context';
import { LimitFields, limitDraftOf, limitsOfDraft, listOf, ScopeFieldset, textOrNull } from './limit-fields';

/**
 * Create or edit a key: scope (models and routers of the config), budget and its window,
 * RPM/TPM/parallel limits, expiry, alias, team, tags and metadata, in `/key/generate`'s field names.
 */
export function KeyForm({
  initial,
  submitLabel,
  onSubmit,
}: {
  initial?: VirtualKeyInfo;
  submitLabel: string;
  onSubmit: (settings: Record<string, unknown>) => Promise<void>;
}) {
  const { api } = useConsole();
  const teams = useQuery({ queryKey: ['teams'], queryFn: () => api.listTeams() });
  const [alias, setAlias] = useState(initial?.key_alias ?? '');
  const [scope, setScope] = useState<string[]>(initial?.models ?? []);
  const [limits, setLimits] = useState(() => limitDraftOf(initial));
  const [duration, setDuration] = useState('');
  const [teamId, setTeamId] = useState(initial?.team_id ?? '');
  const [tags, setTags] = useState((initial?.tags ?? []).join(', '));
  const [metadata, setMetadata] = useState(
    initial && Object.keys(initial.metadata).length > 0 ? JSON.stringify(initial.metadata) : '',
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    let parsedMetadata: unknown = null;
    if (metadata.trim() !== '') {
      try {
        parsedMetadata = JSON.parse(metadata);
      } catch {
        setError('Metadata must be a JSON object.');
        return;
      }
    }
    const settings: Record<string, unknown> = {
      key_alias: textOrNull(alias),
      models: scope,
      ...limitsOfDraft(limits),
      tags: listOf(tags),
      metadata: parsedMetadata ?? {},
    };
    if (duration.trim() !== '') settings.duration = duration.trim();
    // the team is sent only when chosen or changed (a key without one stays without)
    if (teamId !== (initial?.team_id ?? '')) settings.team_id = textOrNull(teamId);
    setBusy(true);
    try {
      await onSubmit(settings);
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
          Alias
          <input name="key_alias" value={alias} onChange={(event) => setAlias(event.target.value)} />
        </label>
        <label>
          Team
          <select name="team_id" value={teamId} onChange={(event) => setTeamId(event.target.value)}>
            <option value="">(no team)</option>
            {(teams.data?.teams ?? []).map((team) => (
              <option key={team.team_id} value={team.team_id}>
                {team.team_alias ? `${team.team_alias} (${team.team_id})` : team.team_id}
              </option>
            ))}
          </select>
        </label>
        <LimitFields draft={limits} onChange={setLimits} />
        <label>
          Expires after
          <input
            name="duration"
            placeholder={initial?.expires ? `now: ${initial.expires}` : '90d (empty: never)'}
            value={duration}
            onChange={(event) => setDuration(event.target.value)}
          />
        </label>
        <label>
          Tags
          <input
            name="tags"
            placeholder="ci, docs (comma-separated)"
            value={tags}
            onChange={(event) => setTags(event.target.value)}
          />
        </label>
        <label className="wide">
          Metadata (JSON)
          <input
            name="metadata"
            placeholder='{"owner": "docs"}'
            value={metadata}
            onChange={(event) => setMetadata(event.target.value)}
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
        {busy ? 'Saving…' : submitLabel}
      </button>
    </form>
  );
}
