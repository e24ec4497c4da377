import { formatUsd } from '../api';
import { BudgetBar, Panel } from '../components';
import { useConsole } from '../console-context';

/** A virtual key's own record: scope, budget, limits, expiry (never the key itself). */
export function MyKeyPage() {
  const { identity } = useConsole();
  if (identity.role !== 'virtual') return null;
  const key = identity.key;
  const rows: [string, React.ReactNode][] = [
    ['Alias', key.key_alias ?? '—'],
    ['Key', <span className="mono">{key.key_name}</span>],
    ['Models', key.models.length === 0 ? 'every model and router' : key.models.join(', ')],
    ['Budget', <BudgetBar spend={key.spend} budget={key.max_budget} />],
    ['Budget window', key.budget_duration ?? 'all time'],
    ['Budget resets', key.budget_reset_at ?? '—'],
    ['Total spend', formatUsd(key.total_spend)],
    ['Requests per minute', key.rpm_limit ?? '—'],
    ['Tokens per minute', key.tpm_limit ?? '—'],
    ['Parallel requests', key.max_parallel_requests ?? '—'],
    ['Expires', key.expires ?? 'never'],
    ['Status', key.blocked ? 'blocked' : 'active'],
  ];
  return (
    <Panel title="Limits and scope">
      <dl className="detail">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}
