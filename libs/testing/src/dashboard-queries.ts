import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the provisioned Grafana dashboard lives in the repository. */
export const DASHBOARD_PATH = 'deploy/grafana/dashboards/switchyard.json';

export interface DashboardQuery {
  panel: string;
  datasourceUid: string | null;
  /** PromQL for Prometheus targets, SQL for the ledger's. */
  query: string;
}

export interface PanelLike {
  id?: number;
  title?: string;
  datasource?: { uid?: string } | null;
  targets?: { expr?: string; rawSql?: string; datasource?: { uid?: string } | null }[];
  panels?: PanelLike[];
}

/** Every query of every panel (rows included) of a Grafana dashboard JSON. */
export function dashboardQueries(dashboard: { panels?: PanelLike[] }): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  const visit = (panels: PanelLike[] | undefined) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        const query = target.expr ?? target.rawSql;
        if (query === undefined) continue;
        queries.push({
          panel: panel.title ?? '(untitled)',
          datasourceUid: target.datasource?.uid ?? panel.datasource?.uid ?? null,
          query,
        });
      }
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  return queries;
}

export function readDashboard(repoRoot: string): { panels?: PanelLike[] } {
  return JSON.parse(readFileSync(join(repoRoot, DASHBOARD_PATH), 'utf8')) as { panels?: PanelLike[] };
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: identifiers that are not functions, aggregations,
 * keywords, label names (inside `{}` or a `by (...)` clause), strings, durations or numbers.
 */
export function metricNamesOf(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range selectors
    .replace(/(^|[^A-Za-z0-9_:])\d+(\.\d+)?(e[+-]?\d+)?/gi, '$1 ') // numbers, 1e-9 included
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // label lists
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = match[0];
    const rest = stripped.slice((match.index ?? 0) + word.length);
    if (/^\s*\(/.test(rest)) continue; // a function or aggregation call
    if (PROMQL_WORDS.has(word.toLowerCase())) continue;
    if (/^\d/.test(word)) continue;
    names.add(word);
  }
  return [...names];
}

/** Every metric name the dashboard's Prometheus queries read, sorted. */
export function dashboardMetricNames(repoRoot: string, prometheusUid = 'prometheus'): string[] {
  const names = new Set<string>();
  for (const query of dashboardQueries(readDashboard(repoRoot))) {
    if (query.datasourceUid !== prometheusUid) continue;
    for (const name of metricNamesOf(query.query)) names.add(name);
  }
  return [...names].sort();
}

/** The name a series of `name` is declared under in the exposition format (`x_bucket` → `x`). */
export function exposedFamilyOf(name: string): string[] {
  const family = name.replace(/_(bucket|sum|count)$/, '');
  return family === name ? [name] : [name, family];
}

/**
 * Whether a Prometheus text exposition declares or carries `name`: a sample line of it, or its
 * `# TYPE` line (a labelled metric with no observations yet has only that).
 */
export function exposes(metricsText: string, name: string): boolean {
  const lines = metricsText.split('\n');
  return exposedFamilyOf(name).some((candidate) =>
    lines.some(
      (line) =>
        line.startsWith(`${candidate}{`) ||
        line.startsWith(`${candidate} `) ||
        line.startsWith(`# TYPE ${candidate} `),
    ),
  );
}
