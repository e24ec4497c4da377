import { useQuery } from '@tanstack/react-query';
import { useConsole } from '../console-context';

/** The limits a key and a team share, in `/key/generate`'s and `/team/new`'s field names. */
export interface Limits {
  max_budget: number | null;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
}

/** The same limits as the form's text fields hold them. */
export type LimitDraft = Record<keyof Limits, string>;

export const numberOrNull = (value: string): number | null => (value.trim() === '' ? null : Number(value));
export const textOrNull = (value: string): string | null => (value.trim() === '' ? null : value.trim());

/** "a, b ,,c" → ["a", "b", "c"] (tags typed in one field). */
export const listOf = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

export const limitDraftOf = (initial?: Limits): LimitDraft => ({
  max_budget: initial?.max_budget?.toString() ?? '',
  budget_duration: initial?.budget_duration ?? '',
  rpm_limit: initial?.rpm_limit?.toString() ?? '',
  tpm_limit: initial?.tpm_limit?.toString() ?? '',
  max_parallel_requests: initial?.max_parallel_requests?.toString() ?? '',
});

export const limitsOfDraft = (draft: LimitDraft): Limits => ({
  max_budget: numberOrNull(draft.max_budget),
  budget_duration: textOrNull(draft.budget_duration),
  rpm_limit: numberOrNull(draft.rpm_limit),
  tpm_limit: numberOrNull(draft.tpm_limit),
  max_parallel_requests: numberOrNull(draft.max_parallel_requests),
});

/** "100 rpm, 5 parallel", or "—" without limits. */
export function describeLimits(limits: Omit<Limits, 'max_budget' | 'budget_duration'>): string {
  const parts = [
    limits.rpm_limit !== null ? `${limits.rpm_limit} rpm` : null,
    limits.tpm_limit !== null ? `${limits.tpm_limit} tpm` : null,
    limits.max_parallel_requests !== null ? `${limits.max_parallel_requests} parallel` : null,
  ].filter((part) => part !== null);
  return parts.length > 0 ? parts.join(', ') : '—';
}

const LIMIT_FIELDS: { name: keyof Limits; label: string; placeholder?: string; numeric: boolean }[] = [
  { name: 'max_budget', label: 'Budget (USD)', numeric: true },
  {
    name: 'budget_duration',
    label: 'Budget window',
    placeholder: '30d, 1mo, 24h (empty: all time)',
    numeric: false,
  },
  { name: 'rpm_limit', label: 'Requests per minute', numeric: true },
  { name: 'tpm_limit', label: 'Tokens per minute', numeric: true },
  { name: 'max_parallel_requests', label: 'Parallel requests', numeric: true },
];

/** Budget, its window and the rate limits, as labelled inputs of a `form-grid`. */
export function LimitFields({
  draft,
  onChange,
}: {
  draft: LimitDraft;
  onChange: (draft: LimitDraft) => void;
}) {
  return (
    <>
      {LIMIT_FIELDS.map((field) => (
        <label key={field.name}>
          {field.label}
          <input
            name={field.name}
            type={field.numeric ? 'number' : 'text'}
            min={field.numeric ? '0' : undefined}
            step={field.name === 'max_budget' ? 'any' : undefined}
            placeholder={field.placeholder}
            value={draft[field.name]}
            onChange={(event) => onChange({ ...draft, [field.name]: event.target.value })}
          />
        </label>
      ))}
    </>
  );
}

/** Tick boxes for the config's models and routers (none ticked: all of them). */
export function ScopeFieldset({ scope, onChange }: { scope: string[]; onChange: (scope: string[]) => void }) {
  const { api } = useConsole();
  const models = useQuery({ queryKey: ['model-info'], queryFn: () => api.modelInfo() });
  const names = [...new Set((models.data?.data ?? []).map((entry) => entry.model_name))];
  const routers = new Set(
    (models.data?.data ?? []).filter((entry) => entry.model_info.router).map((entry) => entry.model_name),
  );
  const toggle = (name: string) =>
    onChange(scope.includes(name) ? scope.filter((item) => item !== name) : [...scope, name]);
  return (
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
  );
}
