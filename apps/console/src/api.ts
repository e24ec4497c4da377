import type { SpendDaily } from '@switchyard/contracts/spend/spend-daily';
import type { SpendLatency } from '@switchyard/contracts/spend/spend-latency';
import type { SpendLogRow, SpendLogsPage } from '@switchyard/contracts/spend/spend-logs';
import type { SpendReport } from '@switchyard/contracts/spend/spend-report';
import type { VirtualKeyInfo } from '@switchyard/contracts/keys/virtual-key';
import type { Team } from '@switchyard/contracts/teams/team';
import type { RoutedAskRow, RoutedAsksPage } from '@switchyard/contracts/routing/routed-asks-messages';

export type { SpendDaily, SpendLatency, SpendLogRow, SpendLogsPage, SpendReport, Team, VirtualKeyInfo };
export type { RoutedAskRow, RoutedAsksPage };

/** An error answered by the gateway, with its envelope's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type DeploymentLatencyReport = SpendLatency & {
  cooldowns: { deployment_id: string; until: string }[] | null;
};

export type Identity = { role: 'master' } | { role: 'virtual'; key: VirtualKeyInfo };

export type MintedKey = VirtualKeyInfo & { key: string };

/** `GET /team/info`: the team, with its members and spend, and its keys. */
export interface TeamDetail {
  team_id: string;
  team_info: Team;
  keys: VirtualKeyInfo[];
}

export interface ModelInfoEntry {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: {
    id?: string;
    mode?: string;
    router?: boolean;
    tiers?: Record<string, string | string[]>;
    litellm_provider?: string;
    provider_model?: string;
    max_input_tokens?: number | null;
    max_output_tokens?: number | null;
    input_cost_per_token?: number | null;
    output_cost_per_token?: number | null;
    cache_read_input_token_cost?: number | null;
    cache_creation_input_token_cost?: number | null;
  };
}

export interface EndpointHealth {
  model_name: string;
  model: string;
  deployment_id: string;
  provider: string;
  status: 'healthy' | 'unhealthy' | 'pending' | 'skipped';
  checked_at: string | null;
  latency_ms: number | null;
  error: string | null;
}

export interface HealthReport {
  healthy_endpoints: EndpointHealth[];
  unhealthy_endpoints: EndpointHealth[];
  pending_endpoints: EndpointHealth[];
  skipped_endpoints: EndpointHealth[];
  routers: {
    model_name: string;
    status: string;
    tiers: { tier: string; status: string; models: { model_name: string; status: string }[] }[];
  }[];
  last_checked_at: string | null;
}

export interface RouteExplanation {
  router: string;
  tier: string | null;
  model: string;
  score: number | null;
  cause: string;
  dimensions: { name: string; raw: number; weight: number; matched: string[] }[];
  notes: string[];
  deployments: { id: string; provider: string; model: string }[];
}

type Query = Record<string, string | number | undefined | null>;

function withQuery(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** The gateway's API as the signed-in key sees it (same origin; the key goes in a header only). */
export class Api {
  constructor(private readonly key: string) {}

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return parseJson(await this.requestText(method, path, body)) as T;
  }

  /** The body as text; a non-2xx answer throws its envelope's message. */
  async requestText(method: 'GET' | 'POST', path: string, body?: unknown): Promise<string> {
    const response = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    const text = await response.text();
    if (!response.ok) {
      const envelope = parseJson(text) as { error?: { message?: string } } | null;
      throw new ApiError(
        response.status,
        envelope?.error?.message ?? `${response.status} ${response.statusText}`,
      );
    }
    return text;
  }

  identity(): Promise<Identity> {
    return this.request('GET', '/key/self');
  }

  daily(query: { start_date?: string; end_date?: string; key?: string } = {}): Promise<SpendDaily> {
    return this.request('GET', withQuery('/spend/daily', query));
  }

  /** `/spend/logs` for the master key, `/key/self/logs` (its own rows) for a virtual key. */
  logs(role: Identity['role'], query: Query): Promise<SpendLogsPage> {
    return this.request('GET', withQuery(role === 'master' ? '/spend/logs' : '/key/self/logs', query));
  }

  report(query: Query): Promise<SpendReport> {
    return this.request('GET', withQuery('/spend/report', query));
  }

  listKeys(query: Query): Promise<{ keys: VirtualKeyInfo[]; total_count: number; total_pages: number }> {
    return this.request('GET', withQuery('/key/list', { ...query, return_full_object: 'true' }));
  }

  generateKey(body: Record<string, unknown>): Promise<MintedKey> {
    return this.request('POST', '/key/generate', body);
  }

  updateKey(body: Record<string, unknown>): Promise<VirtualKeyInfo> {
    return this.request('POST', '/key/update', body);
  }

  blockKey(key: string, blocked: boolean): Promise<VirtualKeyInfo> {
    return this.request('POST', blocked ? '/key/block' : '/key/unblock', { key });
  }

  regenerateKey(key: string): Promise<MintedKey> {
    return this.request('POST', '/key/regenerate', { key });
  }

  deleteKey(key: string): Promise<unknown> {
    return this.request('POST', '/key/delete', { keys: [key] });
  }

  listTeams(): Promise<{ teams: Team[]; total: number }> {
    return this.request('GET', '/team/list');
  }

  teamInfo(teamId: string): Promise<TeamDetail> {
    return this.request('GET', withQuery('/team/info', { team_id: teamId }));
  }

  createTeam(body: Record<string, unknown>): Promise<Team> {
    return this.request('POST', '/team/new', body);
  }

  blockTeam(teamId: string, blocked: boolean): Promise<Team> {
    return this.request('POST', blocked ? '/team/block' : '/team/unblock', { team_id: teamId });
  }

  modelInfo(): Promise<{ data: ModelInfoEntry[] }> {
    return this.request('GET', '/v1/model/info');
  }

  health(): Promise<HealthReport> {
    return this.request('GET', '/health');
  }

  latency(minutes = 60): Promise<DeploymentLatencyReport> {
    return this.request('GET', withQuery('/health/latency', { minutes }));
  }

  explain(router: string, prompt: string): Promise<RouteExplanation> {
    return this.request('POST', '/v1/route/explain', {
      model: router,
      messages: [{ role: 'user', content: prompt }],
    });
  }

  /** The owner's loop: logged asks (only with `general_settings.routing_log`), newest first. */
  routedAsks(query: Query): Promise<RoutedAsksPage> {
    return this.request('GET', withQuery('/routing/asks', query));
  }

  labelAsk(id: string, label: string | null): Promise<RoutedAskRow> {
    return this.request('POST', '/routing/asks/label', { id, label });
  }

  /** An agent's setup as the gateway writes it: JSON pretty-printed, text (config.toml, environment lines) as it is. */
  async integration(name: string): Promise<string> {
    const text = await this.requestText('GET', `/integrations/${name}`);
    const value = parseJson(text);
    return value === null ? text : JSON.stringify(value, null, 2);
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

export const formatUsd = (value: number | null | undefined): string =>
  value === null || value === undefined
    ? '—'
    : `$${value.toLocaleString('en-US', { minimumFractionDigits: value !== 0 && Math.abs(value) < 0.01 ? 6 : 2, maximumFractionDigits: value !== 0 && Math.abs(value) < 0.01 ? 6 : 2 })}`;

export const formatCount = (value: number | null | undefined): string =>
  value === null || value === undefined ? '—' : value.toLocaleString('en-US');

export const formatPercent = (value: number | null): string =>
  value === null ? '—' : `${(value * 100).toFixed(1)}%`;

export const todayUtc = (): string => new Date().toISOString().slice(0, 10);
