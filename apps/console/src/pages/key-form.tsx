import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, type VirtualKeyInfo } from '../api';
import { useConsole } from '../console-context';

const numberOrNull = (value: string): number | null => (value.trim() === '' ? null : Number(value));
const textOrNull = (value: string): string | null => (value.trim() === '' ? null : value.trim());

/**
 * Create or edit a key: scope (models and routers of the config), budget and its window,
 * RPM/TPM/parallel limits, expiry, alias and metadata, in `/key/generate`'s field names.
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
  const models = useQuery({ queryKey: ['model-info'], queryFn: () => api.modelInfo() });
  const names = [...new Set((models.data?.data ?? []).map((entry) => entry.model_name))];
  const routers = new Set(
    (models.data?.data ?? []).filter((entry) => entry.model_info.router).map((entry) => entry.model_name),
  );
  const [alias, setAlias] = useState(initial?.key_alias ?? '');
  const [scope, setScope] = useState<string[]>(initial?.models ?? []);
  const [budget, setBudget] = useState(initial?.max_budget?.toString() ?? '');
  const [budgetDuration, setBudgetDuration] = useState(initial?.budget_duration ?? '');
  const [rpm, setRpm] = useState(initial?.rpm_limit?.toString() ?? '');
  const [tpm, setTpm] = useState(initial?.tpm_limit?.toString() ?? '');
  const [parallel, setParallel] = useState(initial?.max_parallel_requests?.toString() ?? '');
  const [duration, setDuration] = useState('');
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
      max_budget: numberOrNull(budget),
      budget_duration: textOrNull(budgetDuration),
      rpm_limit: numberOrNull(rpm),
      tpm_limit: numberOrNull(tpm),
      max_parallel_requests: numberOrNull(parallel),
      metadata: parsedMetadata ?? {},
    };
    if (duration.trim() !== '') settings.duration = duration.trim();
    setBusy(true);
    try {
      await onSubmit(settings);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The gateway did not answer.');
    } finally {
      setBusy(false);
    }
  };

  const toggle = (name: string) =>
    setScope((current) =>
      current.includes(name) ? current.filter((item) => item !== name) : [...current, name],
    );

  return (
    <form className="key-form" onSubmit={(event) => void submit(event)}>
      <div className="form-grid">
        <label>
          Alias
          <input name="key_alias" value={alias} onChange={(event) => setAlias(event.target.value)} />
        </label>
        <label>
          Budget (USD)
          <input
            name="max_budget"
            type="number"
            min="0"
            step="any"
            value={budget}
            onChange={(event) => setBudget(event.target.value)}
          />
        </label>
        <label>
          Budget window
          <input
            name="budget_duration"
            placeholder="30d, 1mo, 24h (empty: all time)"
            value={budgetDuration}
            onChange={(event) => setBudgetDuration(event.target.value)}
          />
        </label>
        <label>
          Requests per minute
          <input
            name="rpm_limit"
            type="number"
            min="0"
            value={rpm}
            onChange={(event) => setRpm(event.target.value)}
          />
        </label>
        <label>
          Tokens per minute
          <input
            name="tpm_limit"
            type="number"
            min="0"
            value={tpm}
            onChange={(event) => setTpm(event.target.value)}
          />
        </label>
        <label>
          Parallel requests
          <input
            name="max_parallel_requests"
            type="number"
            min="0"
            value={parallel}
            onChange={(event) => setParallel(event.target.value)}
          />
        </label>
        <label>
          Expires after
          <input
            name="duration"
            placeholder={initial?.expires ? `now: ${initial.expires}` : '90d (empty: never)'}
            value={duration}
            onChange={(event) => setDuration(event.target.value)}
          />
        </label>
        <label className="wide">
          Metadata (JSON)
          <input
            name="metadata"
            placeholder='{"team": "docs"}'
            value={metadata}
            onChange={(event) => setMetadata(event.target.value)}
          />
        </label>
      </div>
      <fieldset className="scope">
        <legend>Scope (none ticked: every model and router)</legend>
        <div className="scope-list">
          {names.map((name) => (
            <label key={name} className="check">
              <input
                type="checkbox"
                name="models"
                value={name}
                checked={scope.includes(name)}
                onChange={() => toggle(name)}
              />
              {name}
              {routers.has(name) && <span className="tag">router</span>}
            </label>
          ))}
        </div>
      </fieldset>
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
