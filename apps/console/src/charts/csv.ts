import type { SpendLogRow } from '@switchyard/contracts/spend/spend-logs';

/** The CSV columns of a spend logs export, in the API's field names. */
export const CSV_COLUMNS = [
  'started_at',
  'request_id',
  'attempt',
  'retry',
  'kind',
  'status',
  'http_status',
  'error_type',
  'endpoint',
  'stream',
  'model_group',
  'model',
  'provider',
  'deployment_id',
  'router',
  'tier',
  'route_score',
  'route_cause',
  'input_tokens',
  'input_no_cache_tokens',
  'input_cache_read_tokens',
  'input_cache_write_tokens',
  'output_tokens',
  'output_reasoning_tokens',
  'total_tokens',
  'usage_estimated',
  'cost_usd',
  'baseline_cost_usd',
  'saved_cost_usd',
  'latency_ms',
  'ttft_ms',
  'key_id',
  'session_id',
  'user',
  'team_id',
  'user_id',
  'request_tags',
] as const satisfies readonly (keyof SpendLogRow)[];

function cell(value: string | number | boolean | readonly string[] | null | undefined): string {
  if (value === null || value === undefined) return '';
  // a list (the request's tags) is one cell, its items separated by semicolons
  const text = Array.isArray(value) ? value.join(';') : String(value);
  // quote what would break a row, and what a spreadsheet would run as a formula
  const guarded = /^[=+\-@\t\r]/.test(text) && typeof value !== 'number' ? `'${text}` : text;
  return /[",\n\r]/.test(guarded) || guarded !== text ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** RFC 4180 CSV of spend log rows (header first, CRLF line ends). */
export function toCsv(rows: readonly SpendLogRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map((column) => cell(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
