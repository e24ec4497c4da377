import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatCount, formatPercent, formatUsd, todayUtc } from '../api';
import {
  addDays,
  cacheHitRates,
  costPerDay,
  periodTotals,
  savingsSeries,
  tokensByKind,
} from '../charts/series';
import { Figure, Panel, QueryState, SimpleBarChart, StackedDayChart } from '../components';
import { useConsole } from '../console-context';

const usd = (value: number) => formatUsd(value);

export function OverviewPage() {
  const { api } = useConsole();
  const today = todayUtc();
  const [dimension, setDimension] = useState<'providers' | 'models'>('providers');
  const daily = useQuery({
    queryKey: ['daily', today],
    queryFn: () => api.daily({ start_date: addDays(today, -29), end_date: today }),
  });
  if (!daily.data) return <QueryState error={daily.error} loading={daily.isLoading} />;
  const periods = periodTotals(daily.data, today);
  const rates = cacheHitRates(daily.data.totals);
  const savings = savingsSeries(daily.data);
  const tokens = tokensByKind(daily.data.totals);
  const savedShare = savings.total.baseline > 0 ? savings.total.savings / savings.total.baseline : null;
  return (
    <div className="stack">
      <div className="figures" data-testid="period-figures">
        <Figure
          label="Spend today"
          value={formatUsd(periods.today.cost_usd)}
          detail={`${formatCount(periods.today.requests)} requests`}
        />
        <Figure
          label="Spend, 7 days"
          value={formatUsd(periods.week.cost_usd)}
          detail={`${formatCount(periods.week.requests)} requests`}
        />
        <Figure
          label="Spend, 30 days"
          value={formatUsd(periods.month.cost_usd)}
          detail={`${formatCount(periods.month.requests)} requests`}
        />
        <Figure
          label="Router savings, 30 days"
          value={<span data-testid="savings-headline">{formatUsd(savings.total.savings)}</span>}
          detail={
            savings.total.baseline > 0
              ? `${formatPercent(savedShare)} of ${formatUsd(savings.total.baseline)} on the top tiers`
              : 'no routed traffic'
          }
        />
        <Figure
          label="Cache hit rate"
          value={formatPercent(rates.responses)}
          detail={`prompt cache reads: ${formatPercent(rates.promptTokens)} of input`}
        />
      </div>
      <Panel
        title="Cost per day"
        actions={
          <div className="segmented" role="group" aria-label="Break down by">
            {(['providers', 'models'] as const).map((option) => (
              <button
                key={option}
                type="button"
                aria-pressed={dimension === option}
                onClick={() => setDimension(option)}
              >
                by {option === 'providers' ? 'provider' : 'model'}
              </button>
            ))}
          </div>
        }
      >
        <StackedDayChart
          series={costPerDay(daily.data, dimension)}
          format={usd}
          label={`Cost per day by ${dimension === 'providers' ? 'provider' : 'model'}, last 30 days`}
        />
      </Panel>
      <div className="columns">
        <Panel title="Router savings per day">
          <StackedDayChart
            series={{ keys: ['paid', 'savings'], rows: savings.rows.map((row) => ({ ...row })) }}
            format={usd}
            label="Routed spend and savings against the top tier per day"
          />
        </Panel>
        <Panel title="Tokens by kind, 30 days">
          <SimpleBarChart
            data={tokens.map((kind) => ({ ...kind }))}
            dataKey="tokens"
            nameKey="kind"
            format={(value) => formatCount(value)}
            label="Tokens by kind"
          />
          <table className="compact">
            <tbody>
              {tokens.map((kind) => (
                <tr key={kind.kind}>
                  <th scope="row">{kind.kind}</th>
                  <td className="number">{formatCount(kind.tokens)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      </div>
    </div>
  );
}
