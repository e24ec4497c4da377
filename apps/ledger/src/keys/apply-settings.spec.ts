import { applySettings } from './manage-keys';
import type { KeyRow } from '../database/key-store';

const now = new Date('2026-06-01T00:00:00.000Z');

const existing: KeyRow = {
  key_id: 'key-1',
  key_hash: 'a'.repeat(64),
  key_name: 'sk-...abcd',
  key_alias: 'alias',
  user_id: 'user',
  team_id: 'team',
  tags: ['ci'],
  models: ['gpt-5.5'],
  max_budget: '10.000000000000',
  budget_duration: '30d',
  rpm_limit: 5,
  tpm_limit: 1000,
  max_parallel_requests: 2,
  expires_at: new Date('2027-01-01T00:00:00.000Z'),
  blocked: false,
  metadata: { team: 'a' },
  created_at: now,
  updated_at: now,
};

describe(applySettings.name, () => {
  const sut = applySettings;

  it('gives a new key no limits, no expiry and every model by default', () => {
    expect(sut(null, {}, now)).toEqual({
      key_alias: null,
      user_id: null,
      team_id: null,
      tags: [],
      models: [],
      max_budget: null,
      budget_duration: null,
      rpm_limit: null,
      tpm_limit: null,
      max_parallel_requests: null,
      expires_at: null,
      blocked: false,
      metadata: {},
    });
  });

  it('keeps what an update leaves out and clears what it sets to null', () => {
    const updated = sut(existing, { rpm_limit: null, max_budget: 2.5, metadata: null }, now);
    expect(updated).toMatchObject({
      key_alias: 'alias',
      models: ['gpt-5.5'],
      max_budget: 2.5,
      budget_duration: '30d',
      rpm_limit: null,
      tpm_limit: 1000,
      expires_at: existing.expires_at,
      metadata: {},
    });
  });

  it('sets the expiry from duration, counted from now, and removes it with duration null', () => {
    expect(sut(existing, { duration: '2h' }, now).expires_at).toEqual(new Date('2026-06-01T02:00:00.000Z'));
    expect(sut(existing, { duration: '1mo' }, now).expires_at).toEqual(new Date('2026-07-01T00:00:00.000Z'));
    expect(sut(existing, { duration: null }, now).expires_at).toBeNull();
  });
});
