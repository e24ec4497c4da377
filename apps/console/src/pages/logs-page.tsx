import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { formatCount, formatUsd, type SpendLogRow } from '../api';
import { toCsv } from '../charts/csv';
import { Dialog, QueryState } from '../components';
import { useConsole } from '../console-context';

const PAGE_SIZE = 50;
const CSV_MAX_ROWS = 20_000;

const FILTERS = [
  { name: 'key', label: 'Key (key_id or token)', masterOnly: true },
  { name: 'team_id', label: 'Team', masterOnly: true },
  { name: 'user_id', label: 'Internal user', masterOnly: true },
  { name: 'tag', label: 'Tag' },
  { name: 'customer', label: 'End user (customer)' },
  { name: 'model_group', label: 'Model called' },
  { name: 'model', label: 'Model that answered' },
  { name: 'provider', label: 'Provider' },
  { name: 'router', label: 'Router' },
  { name: 'tier', label: 'Tier' },
  { name: 'endpoint', label: 'Endpoint' },
  { name: 'status', label: 'Status' },
] as const;

type Filters = Record<string, string>;

/** `datetime-local` values are local times; the API takes ISO instants. */
const toInstant = (value: string | undefined): string | undefined =>
  value ? new Date(value).toISOString() : undefined;

function queryOf(filters: Filters): Record<string, string | undefined> {
  const { start, end, ...rest } = filters;
  return { ...rest, start_date: toInstant(start), end_date: toInstant(end) };
}

const ms = (value: number | null) => (value === null ? '—' : `${Math.round(value)} ms`);

export function LogsPage() {
  const { api, identity } = useConsole();
  const [filters, setFilters] = useState<Filters>({});
  const [draft, setDraft] = useState<Filters>({});
  // keyset pagination: the cursors of the pages before this one
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [selected, setSelected] = useState<SpendLogRow | null>(null);
  const [exporting, setExporting] = useState(false);
  const cursor = cursors.at(-1);
  const page = useQuery({
    queryKey: ['logs', identity.role, filters, cursor],
    queryFn: () => api.logs(identity.role, { ...queryOf(filters), limit: PAGE_SIZE, cursor }),
  });

  const [filterError, setFilterError] = useState<string | null>(null);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    // a filter travels in the query string: never the key itself
    if (draft.key?.trim().startsWith('sk-')) {
      setFilterError('Filter by the key_id or token (shown on the Keys page), never the key itself.');
      return;
    }
    setFilterError(null);
    setFilters(Object.fromEntries(Object.entries(draft).filter(([, value]) => value.trim() !== '')));
    setCursors([undefined]);
  };

  const exportCsv = async () => {
    setExporting(true);
    try {
      const rows: SpendLogRow[] = [];
      let next: string | null | undefined;
      do {
        const result = await api.logs(identity.role, {
          ...queryOf(filters),
          limit: 500,
          cursor: next ?? undefined,
        });
        rows.push(...result.data);
        next = result.next_cursor;
      } while (next && rows.length < CSV_MAX_ROWS);
      const blob = new Blob([toCsv(rows)], { type: 'text/csv' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `spend-logs-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className="stack">
      <form className="filters" onSubmit={apply} aria-label="Filters">
        {FILTERS.filter((filter) => identity.role === 'master' || !('masterOnly' in filter)).map((filter) => (
          <label key={filter.name}>
            {filter.label}
            <input
              name={filter.name}
              value={draft[filter.name] ?? ''}
              onChange={(event) => setDraft({ ...draft, [filter.name]: event.target.value })}
            />
          </label>
        ))}
        <label>
          From
          <input
            type="datetime-local"
            name="start"
            value={draft.start ?? ''}
            onChange={(event) => setDraft({ ...draft, start: event.target.value })}
          />
        </label>
        <label>
          Until
          <input
            type="datetime-local"
            name="end"
            value={draft.end ?? ''}
            onChange={(event) => setDraft({ ...draft, end: event.target.value })}
          />
        </label>
        <div className="actions">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setDraft({});
              setFilters({});
              setCursors([undefined]);
            }}
          >
            Clear
          </button>
          <button type="button" className="secondary" onClick={() => void exportCsv()} disabled={exporting}>
            {exporting ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
      </form>
      {filterError && (
        <p role="alert" className="error">
          {filterError}
        </p>
      )}
      <QueryState error={page.error} loading={page.isLoading} />
      {page.data && (
        <div className="table-wrap">
          <table className="logs">
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Model</th>
                <th scope="col">Provider</th>
                <th scope="col">Router / tier</th>
                <th scope="col">Team / user</th>
                <th scope="col">Tags</th>
                <th scope="col" className="number">
                  Tokens
                </th>
                <th scope="col" className="number">
                  Cost
                </th>
                <th scope="col" className="number">
                  Latency
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {page.data.data.map((row) => (
                <tr
                  key={row.event_id}
                  data-request-id={row.request_id}
                  tabIndex={0}
                  className="clickable"
                  onClick={() => setSelected(row)}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      setSelected(row);
                    }
                  }}
                  aria-label={`Details of ${row.model_group} at ${row.started_at}`}
                >
                  <td className="mono">{row.started_at.slice(0, 19).replace('T', ' ')}</td>
                  <td>
                    {row.model_group}
                    {row.model !== row.model_group && <div className="muted">→ {row.model}</div>}
                  </td>
                  <td>{row.provider}</td>
                  <td>{row.router ? `${row.router} / ${row.tier ?? '—'}` : '—'}</td>
                  <td data-testid="team">
                    {row.team_id ?? '—'}
                    {row.user_id && <div className="muted">{row.user_id}</div>}
                  </td>
                  <td>
                    {row.request_tags.map((tag) => (
                      <span key={tag} className="tag">
                        {tag}
                      </span>
                    ))}
                  </td>
                  <td className="number">{formatCount(row.total_tokens)}</td>
                  <td className="number" data-testid="cost">
                    {formatUsd(row.cost_usd)}
                  </td>
                  <td className="number">{ms(row.latency_ms)}</td>
                  <td>
                    <span className={`status status-${row.status}`}>
                      {row.kind === 'upstream' ? row.status : row.kind.replace('_', ' ')} {row.http_status}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data.data.length === 0 && <p className="empty">No usage matches.</p>}
          <div className="pager">
            <button
              type="button"
              className="secondary"
              disabled={cursors.length <= 1}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              Newer
            </button>
            <span>page {cursors.length}</span>
            <button
              type="button"
              className="secondary"
              disabled={!page.data.next_cursor}
              onClick={() => setCursors([...cursors, page.data.next_cursor ?? undefined])}
            >
              Older
            </button>
          </div>
        </div>
      )}
      <Dialog title="Request detail" open={selected !== null} onClose={() => setSelected(null)}>
        {selected && <LogDetail row={selected} />}
      </Dialog>
    </div>
  );
}

/** One usage row, the other attempts of its request, and its routing decision; never a prompt. */
function LogDetail({ row }: { row: SpendLogRow }) {
  const { api, identity } = useConsole();
  const attempts = useQuery({
    queryKey: ['attempts', row.request_id],
    queryFn: () => api.logs(identity.role, { request_id: row.request_id, limit: 50 }),
  });
  const fields: [string, React.ReactNode][] = [
    ['Request id', <span className="mono">{row.request_id}</span>],
    ['Endpoint', `${row.endpoint}${row.stream ? ' (stream)' : ''}`],
    ['Model called', row.model_group],
    ['Answered by', `${row.model} (${row.provider}${row.provider_model ? `: ${row.provider_model}` : ''})`],
    ['Deployment', row.deployment_id ?? '—'],
    ['Status', `${row.status} ${row.http_status}${row.error_type ? ` (${row.error_type})` : ''}`],
    ['Attempt', `${row.attempt}${row.retry > 0 ? `, retry ${row.retry}` : ''}`],
    ['Router decision', row.router ? `${row.router}: tier ${row.tier ?? '—'}` : 'not routed'],
    ['Score', row.route_score === null ? '—' : row.route_score.toFixed(3)],
    ['Cause', row.route_cause ?? '—'],
    [
      'Input tokens',
      `${formatCount(row.input_tokens)} (fresh ${formatCount(row.input_no_cache_tokens)}, cache read ${formatCount(row.input_cache_read_tokens)}, cache write ${formatCount(row.input_cache_write_tokens)})`,
    ],
    [
      'Output tokens',
      `${formatCount(row.output_tokens)} (reasoning ${formatCount(row.output_reasoning_tokens)})${row.usage_estimated ? ', estimated' : ''}`,
    ],
    ['Cost', formatUsd(row.cost_usd)],
    ['Top-tier cost', formatUsd(row.baseline_cost_usd)],
    ['Saved by cache', formatUsd(row.saved_cost_usd)],
    ['Latency', ms(row.latency_ms)],
    ['Time to first token', ms(row.ttft_ms)],
    ['Key', row.key_id ?? 'master key'],
    ['Team', row.team_id ?? '—'],
    ['Internal user', row.user_id ?? '—'],
    ['Tags', row.request_tags.length > 0 ? row.request_tags.join(', ') : '—'],
    ['Session', row.session_id ?? '—'],
    ['End user', row.user ?? '—'],
  ];
  return (
    <div className="stack">
      <dl className="detail">
        {fields.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3>Attempts of this request</h3>
      <QueryState error={attempts.error} loading={attempts.isLoading} />
      {attempts.data && (
        <ol className="attempts">
          {[...attempts.data.data].reverse().map((attempt) => (
            <li key={attempt.event_id}>
              {attempt.model} ({attempt.provider}): {attempt.status} {attempt.http_status}
              {attempt.error_type ? `, ${attempt.error_type}` : ''}, {ms(attempt.latency_ms)},{' '}
              {formatUsd(attempt.cost_usd)}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
