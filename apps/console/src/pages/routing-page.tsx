import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, formatCount, formatUsd, todayUtc } from '../api';
import { addDays, costPerTier, tierMix } from '../charts/series';
import { Panel, QueryState, StackedDayChart } from '../components';
import { useConsole } from '../console-context';

export function RoutingPage() {
  const { api } = useConsole();
  const today = todayUtc();
  const models = useQuery({ queryKey: ['model-info'], queryFn: () => api.modelInfo() });
  const daily = useQuery({
    queryKey: ['daily', today],
    queryFn: () => api.daily({ start_date: addDays(today, -29), end_date: today }),
  });
  const routers = (models.data?.data ?? [])
    .filter((entry) => entry.model_info.router)
    .map((entry) => entry.model_name);
  const [chosen, setChosen] = useState<string | null>(null);
  const router = chosen ?? routers[0] ?? null;

  return (
    <div className="stack">
      <QueryState error={models.error ?? daily.error} loading={models.isLoading || daily.isLoading} />
      {routers.length === 0 && models.data && <p className="empty">This config has no routers.</p>}
      {router && (
        <>
          <label className="inline">
            Router{' '}
            <select value={router} onChange={(event) => setChosen(event.target.value)}>
              {routers.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
          </label>
          {daily.data && (
            <div className="columns">
              <Panel title="Tier mix per day (requests)">
                <StackedDayChart
                  series={tierMix(daily.data, router)}
                  format={(value) => formatCount(value)}
                  label={`Requests per tier per day for ${router}`}
                />
              </Panel>
              <Panel title="Cost per tier, 30 days">
                <table className="compact" data-testid="cost-per-tier">
                  <thead>
                    <tr>
                      <th scope="col">Tier</th>
                      <th scope="col" className="number">
                        Requests
                      </th>
                      <th scope="col" className="number">
                        Cost
                      </th>
                      <th scope="col" className="number">
                        On the top tier
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {costPerTier(daily.data, router).map((tier) => (
                      <tr key={tier.tier}>
                        <th scope="row">{tier.tier}</th>
                        <td className="number">{formatCount(tier.requests)}</td>
                        <td className="number">{formatUsd(tier.cost_usd)}</td>
                        <td className="number">{formatUsd(tier.baseline_cost_usd)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Panel>
            </div>
          )}
          <ExplainBox router={router} />
          <LoggedAsks router={router} />
        </>
      )}
    </div>
  );
}

function ExplainBox({ router }: { router: string }) {
  const { api } = useConsole();
  const [prompt, setPrompt] = useState('');
  const explain = useMutation({ mutationFn: () => api.explain(router, prompt) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    explain.mutate();
  };
  const result = explain.data;
  return (
    <Panel title="Explain a routing decision">
      <form onSubmit={submit} className="stack">
        <label>
          <span>
            A prompt (sent to <code>/v1/route/explain</code>; no model is called)
          </span>
          <textarea
            name="prompt"
            rows={4}
            value={prompt}
            onChange={(event) => setPrompt(event.target.value)}
            required
          />
        </label>
        <div>
          <button type="submit" disabled={explain.isPending || prompt.trim() === ''}>
            {explain.isPending ? 'Explaining…' : `Explain with ${router}`}
          </button>
        </div>
      </form>
      {explain.error && (
        <p role="alert" className="error">
          {explain.error instanceof ApiError ? explain.error.message : 'The gateway did not answer.'}
        </p>
      )}
      {result && (
        <div className="stack" data-testid="explanation">
          <dl className="detail">
            <div>
              <dt>Tier</dt>
              <dd>{result.tier ?? '—'}</dd>
            </div>
            <div>
              <dt>Model</dt>
              <dd>{result.model}</dd>
            </div>
            <div>
              <dt>Score</dt>
              <dd>{result.score === null ? '—' : result.score.toFixed(3)}</dd>
            </div>
            <div>
              <dt>Cause</dt>
              <dd>{result.cause}</dd>
            </div>
            <div>
              <dt>Deployments</dt>
              <dd>
                {result.deployments
                  .map((deployment) => `${deployment.provider}: ${deployment.model}`)
                  .join(', ')}
              </dd>
            </div>
          </dl>
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">Feature</th>
                <th scope="col" className="number">
                  Value
                </th>
                <th scope="col" className="number">
                  Weight
                </th>
                <th scope="col">Matched</th>
              </tr>
            </thead>
            <tbody>
              {result.dimensions.map((dimension) => (
                <tr key={dimension.name}>
                  <th scope="row">{dimension.name}</th>
                  <td className="number">{dimension.raw.toFixed(3)}</td>
                  <td className="number">{dimension.weight.toFixed(3)}</td>
                  <td>{dimension.matched.join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.notes.length > 0 && (
            <ul>
              {result.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Panel>
  );
}

const TIER_LABELS = ['SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING'] as const;

/**
 * The owner's loop: the router's logged asks (their text, only while `routing_log` is on) with a
 * label selector per ask; a label is the tier the ask should have had, for
 * `npm run train:router -- --from-log`.
 */
function LoggedAsks({ router }: { router: string }) {
  const { api } = useConsole();
  const queryClient = useQueryClient();
  const [unlabelledOnly, setUnlabelledOnly] = useState(false);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const query = {
    router,
    limit: 25,
    ...(unlabelledOnly ? { labelled: 'false' } : {}),
    ...(cursor === undefined ? {} : { cursor }),
  };
  const asks = useQuery({ queryKey: ['routed-asks', query], queryFn: () => api.routedAsks(query) });
  const label = useMutation({
    mutationFn: ({ id, tier }: { id: string; tier: string | null }) => api.labelAsk(id, tier),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['routed-asks'] }),
  });
  const rows = asks.data?.data ?? [];
  return (
    <Panel
      title="Logged asks"
      actions={
        <label className="inline">
          <input
            type="checkbox"
            checked={unlabelledOnly}
            onChange={(event) => {
              setUnlabelledOnly(event.target.checked);
              setCursors([]);
            }}
          />{' '}
          Unlabelled only
        </label>
      }
    >
      <QueryState error={asks.error ?? label.error} loading={asks.isLoading} />
      {asks.data && rows.length === 0 && (
        <p className="empty">
          No logged asks. With <code>general_settings.routing_log: true</code> the gateway keeps each routed
          ask&apos;s text here (docs/routing.md, &quot;The owner&apos;s loop&quot;).
        </p>
      )}
      {rows.length > 0 && (
        <table className="compact" data-testid="logged-asks">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Ask</th>
              <th scope="col">Routed</th>
              <th scope="col">Label</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-ask-id={row.id}>
                <td>{row.created_at.slice(0, 19).replace('T', ' ')}</td>
                <td className="ask" title={row.ask}>
                  {row.ask.length > 120 ? `${row.ask.slice(0, 119)}…` : row.ask}
                </td>
                <td>{row.tier ?? '—'}</td>
                <td>
                  <select
                    aria-label={`Label of ask ${row.id}`}
                    value={row.label ?? ''}
                    disabled={label.isPending}
                    onChange={(event) => label.mutate({ id: row.id, tier: event.target.value || null })}
                  >
                    <option value="">—</option>
                    {TIER_LABELS.map((tier) => (
                      <option key={tier}>{tier}</option>
                    ))}
                  </select>
                  {row.label_source === 'implicit' ? ' (implicit)' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="inline">
        {cursors.length > 0 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
        )}
        {asks.data?.next_cursor && (
          <button type="button" onClick={() => setCursors([...cursors, asks.data.next_cursor!])}>
            Older
          </button>
        )}
      </div>
    </Panel>
  );
}
