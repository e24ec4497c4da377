import { useMutation, useQuery } from '@tanstack/react-query';
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
