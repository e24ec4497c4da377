import { GatewayError } from '@switchyard/contracts';
import type { Caller } from '../http/request-context';

/**
 * What an admin caller may touch among keys: everything (the master key), or the keys of the
 * teams its user administers (a team admin's key).
 */
export class TeamAdminScope {
  private constructor(private readonly teams: readonly string[] | null) {}

  static of(caller: Caller | null): TeamAdminScope {
    if (caller === null || caller.kind === 'master') return new TeamAdminScope(null);
    return new TeamAdminScope(caller.grants?.adminOfTeams ?? []);
  }

  get unrestricted(): boolean {
    return this.teams === null;
  }

  /** The teams it may manage keys of; null: all keys. */
  get managedTeams(): readonly string[] | null {
    return this.teams;
  }

  /** 403 unless a key of this team (null: no team) may be managed. */
  check(teamId: string | null | undefined): void {
    if (this.teams === null) return;
    if (teamId && this.teams.includes(teamId)) return;
    throw new GatewayError(
      403,
      'permission_error',
      teamId
        ? `A team admin's key may only manage keys of its teams (${this.teams.join(', ')}), not of team "${teamId}".`
        : `A team admin's key may only manage keys of its teams (${this.teams.join(', ')}): set team_id.`,
      { code: 'team_admin_scope', param: 'team_id' },
    );
  }
}
