import { type ReactNode, useEffect, useRef, useState } from 'react';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ApiError } from './api';
import type { StackedSeries } from './charts/series';

/** Colours that stay apart for the colour-blind (Okabe–Ito), then greys. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#999999',
];

export function Figure({ label, value, detail }: { label: string; value: ReactNode; detail?: ReactNode }) {
  return (
    <div className="figure">
      <div className="figure-label">{label}</div>
      <div className="figure-value">{value}</div>
      {detail && <div className="figure-detail">{detail}</div>}
    </div>
  );
}

export function Panel({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="panel" aria-label={title}>
      <div className="panel-head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function QueryState({ error, loading }: { error: unknown; loading: boolean }) {
  if (error) {
    return (
      <p role="alert" className="error">
        {error instanceof ApiError ? error.message : 'The gateway did not answer.'}
      </p>
    );
  }
  return loading ? <p className="loading">Loading…</p> : null;
}

const shortDate = (date: unknown) => (typeof date === 'string' ? date.slice(5) : String(date));

/** A stacked chart of one series per key, one column (or area) per day. */
export function StackedDayChart({
  series,
  format,
  kind = 'bar',
  label,
}: {
  series: StackedSeries;
  format: (value: number) => string;
  kind?: 'bar' | 'area';
  label: string;
}) {
  if (series.keys.length === 0) return <p className="empty">No usage in this range.</p>;
  const Chart = kind === 'bar' ? BarChart : AreaChart;
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={260}>
        <Chart data={series.rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="date" tickFormatter={shortDate} fontSize={12} />
          <YAxis tickFormatter={(value: number) => format(value)} fontSize={12} width={72} />
          <Tooltip formatter={(value) => format(Number(value))} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.keys.map((key, index) =>
            kind === 'bar' ? (
              <Bar
                key={key}
                dataKey={key}
                stackId="day"
                fill={PALETTE[index % PALETTE.length]}
                isAnimationActive={false}
              />
            ) : (
              <Area
                key={key}
                dataKey={key}
                stackId="day"
                type="monotone"
                stroke={PALETTE[index % PALETTE.length]}
                fill={PALETTE[index % PALETTE.length]}
                isAnimationActive={false}
              />
            ),
          )}
        </Chart>
      </ResponsiveContainer>
    </div>
  );
}

/** A button that copies a text and says so (for the new key, agent configs). */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // no clipboard API (plain http on another host): select the text for a manual copy
      const area = document.createElement('textarea');
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <button type="button" className="secondary" onClick={() => void copy()}>
      {copied ? 'Copied' : label}
    </button>
  );
}

/** A modal dialog (native <dialog>: focus trapped, Escape closes). */
export function Dialog({
  title,
  open,
  onClose,
  children,
}: {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} onClose={onClose} aria-label={title}>
      <div className="dialog-head">
        <h2>{title}</h2>
        <button type="button" className="secondary" onClick={onClose} aria-label="Close">
          ×
        </button>
      </div>
      {open && children}
    </dialog>
  );
}

/** Spend against budget, as a bar (no budget: the spend alone). */
export function BudgetBar({ spend, budget }: { spend: number; budget: number | null }) {
  if (budget === null) return <span>no budget</span>;
  const ratio = budget === 0 ? 1 : Math.min(spend / budget, 1);
  const level = ratio >= 1 ? 'over' : ratio >= 0.8 ? 'near' : 'ok';
  return (
    <div className="budget">
      <div
        className={`budget-bar ${level}`}
        role="meter"
        aria-valuemin={0}
        aria-valuemax={budget}
        aria-valuenow={spend}
        aria-label="spend of budget"
      >
        <span style={{ width: `${ratio * 100}%` }} />
      </div>
      <span className="budget-text">
        ${spend.toFixed(4)} / ${budget.toFixed(2)}
      </span>
    </div>
  );
}

export function SimpleBarChart({
  data,
  dataKey,
  nameKey,
  format,
  label,
}: {
  data: Record<string, unknown>[];
  dataKey: string;
  nameKey: string;
  format: (value: number) => string;
  label: string;
}) {
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey={nameKey} fontSize={12} />
          <YAxis tickFormatter={(value: number) => format(value)} fontSize={12} width={72} />
          <Tooltip formatter={(value) => format(Number(value))} />
          <Bar dataKey={dataKey} fill={PALETTE[0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
