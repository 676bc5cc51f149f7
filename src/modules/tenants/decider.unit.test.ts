import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../framework/testing/index.ts';
import type { AppError } from '../../framework/errors/index.ts';
import { DEFAULT_SECURITY_POLICY, type TenantSettings } from './domain.ts';
import { tenantDecider, type TenantCommand } from './decider.ts';
import type { TenantEvent } from './events.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const settings: TenantSettings = {
  allowedAuthMethods: ['password'], maxUsers: 50, features: [], customDomain: null, securityPolicy: DEFAULT_SECURITY_POLICY,
};
const created: TenantEvent = {
  type: 'tenant.created',
  data: { tenantId: TENANT, name: 'Acme', slug: 'acme', subscriptionPlan: 'enterprise', adminEmail: 'a@acme.test', metadata: {}, settings },
};
const usage = { users: 3, activeNonAdminUsers: 0, storageBytes: 0 };
const now = new Date('2026-01-01T00:00:00Z');

/** given events / when command / then events or error code. */
const tenantSpec = spec(tenantDecider);
/** given events / when command / then events or error code (the framework's decider spec). */
const given = (events: TenantEvent[], when: TenantCommand) => {
  const then = tenantSpec.given(events).when(when);
  return { then: (expected: TenantEvent[]) => void then.then(expected), thenThrows: (code: string) => then.thenThrows(code) };
};
const create = (overrides: Partial<Extract<TenantCommand, { type: 'create' }>> = {}): TenantCommand => ({
  type: 'create', tenantId: TENANT, name: 'Acme', slug: 'acme', subscriptionPlan: 'enterprise', adminEmail: 'a@acme.test', settings, ...overrides,
});
const deleted: TenantEvent = { type: 'tenant.deleted', data: { tenantId: TENANT, deletionReason: 'inactive', dataRetentionPeriod: 'P30D', purgeAfter: '2026-01-31T00:00:00.000Z' } };

describe('tenant decider: create', () => {
  it('creates a tenant', () => given([], create()).then([created]));
  it('refuses a second create', () => given([created], create()).thenThrows('tenant.already_exists'));
  it('refuses names outside 3–50 characters', () => {
    given([], create({ name: 'ab' })).thenThrows('tenant.invalid_name');
    given([], create({ name: 'x'.repeat(51) })).thenThrows('tenant.invalid_name');
  });
  it('refuses a bad slug', () => given([], create({ slug: 'Not A Slug' })).thenThrows('tenant.invalid_slug'));
  it('refuses reserved slugs: the platform tenant\'s and any shaped like a UUID (sign-in would read it as an id)', () => {
    given([], create({ slug: 'platform' })).thenThrows('tenant.slug_reserved');
    given([], create({ slug: '123e4567-e89b-12d3-a456-426614174000' })).thenThrows('tenant.slug_reserved');
    given([], create({ slug: '00000000-0000-0000-0000-000000000000' })).thenThrows('tenant.slug_reserved');
    assert.equal(tenantDecider.decide(create({ slug: 'platform-team' }), tenantDecider.initialState()).length, 1);
  });
  it('refuses names without enough visible text or with control/format characters', () => {
    given([], create({ name: '\u200b\u200b\u200b' })).thenThrows('tenant.invalid_name');
    given([], create({ name: 'Evil\r\nBcc: victim@example.org' })).thenThrows('tenant.invalid_name');
    given([], create({ name: 'Acme\u202e' })).thenThrows('tenant.invalid_name');
    given([], create({ name: 'a\u200b\u200bb' })).thenThrows('tenant.invalid_name');
    given([created], { type: 'update', changes: { name: 'Acme\nInc' }, usage }).thenThrows('tenant.invalid_name');
  });
  it('refuses an unknown plan', () => given([], create({ subscriptionPlan: 'gold' })).thenThrows('tenant.invalid_plan'));
  it('accepts custom:<name> plans', () => {
    const events = tenantDecider.decide(create({ subscriptionPlan: 'custom:gold' }), tenantDecider.initialState());
    assert.equal(events[0]?.type === 'tenant.created' && events[0].data.subscriptionPlan, 'custom:gold');
  });
  it('refuses a bad admin e-mail', () => given([], create({ adminEmail: 'nope' })).thenThrows('tenant.invalid_email'));
  it('refuses settings out of range', () => {
    given([], create({ settings: { ...settings, maxUsers: 0 } })).thenThrows('tenant.invalid_settings');
    given([], create({ settings: { ...settings, allowedAuthMethods: [] } })).thenThrows('tenant.invalid_settings');
    given([], create({ settings: { ...settings, customDomain: 'localhost' } })).thenThrows('tenant.invalid_settings');
    given([], create({ settings: { ...settings, securityPolicy: { ...DEFAULT_SECURITY_POLICY, passwordMinLength: 7 } } })).thenThrows('tenant.invalid_settings');
    given([], create({ settings: { ...settings, securityPolicy: { ...DEFAULT_SECURITY_POLICY, maxLoginAttempts: 11 } } })).thenThrows('tenant.invalid_settings');
    given([], create({ settings: { ...settings, securityPolicy: { ...DEFAULT_SECURITY_POLICY, sessionTimeout: 'PT25H' } } })).thenThrows('tenant.invalid_settings');
    given([], create({ settings: { ...settings, securityPolicy: { ...DEFAULT_SECURITY_POLICY, allowedIpRanges: ['10.0.0.0/33'] } } })).thenThrows('tenant.invalid_settings');
  });
  it('refuses metadata over 64 KiB', () => given([], create({ metadata: { blob: 'x'.repeat(65_536) } })).thenThrows('tenant.metadata_too_large'));
});

describe('tenant decider: update', () => {
  const update = (changes: Extract<TenantCommand, { type: 'update' }>['changes'], u = usage): TenantCommand => ({ type: 'update', changes, usage: u });
  it('records the updated fields', () =>
    given([created], update({ name: 'Acme Two', metadata: { a: 1 } })).then([
      { type: 'tenant.updated', data: { tenantId: TENANT, name: 'Acme Two', metadata: { a: 1 }, updatedFields: ['name', 'metadata'] } },
    ]));
  it('emits nothing when nothing changes', () => given([created], update({ name: 'Acme' })).then([]));
  it('refuses an empty update', () => given([created], update({})).thenThrows('tenant.nothing_to_update'));
  it('allows a downgrade within the new plan limits', () =>
    given([created], update({ subscriptionPlan: 'free' }, { users: 10, activeNonAdminUsers: 0, storageBytes: 0 })).then([
      { type: 'tenant.updated', data: { tenantId: TENANT, subscriptionPlan: 'free', updatedFields: ['subscriptionPlan'] } },
    ]));
  it('refuses a downgrade while usage exceeds the new plan', () =>
    given([created], update({ subscriptionPlan: 'free' }, { users: 11, activeNonAdminUsers: 5, storageBytes: 0 })).thenThrows('tenant.plan_limit_exceeded'));
  it('refuses a downgrade while the tenant stores more than the new plan allows', () =>
    given([created], update({ subscriptionPlan: 'free' }, { users: 1, activeNonAdminUsers: 0, storageBytes: 100 * 1024 ** 3 + 1 })).thenThrows('tenant.plan_storage_exceeded'));
  it('allows a downgrade whose storage fits exactly', () =>
    given([created], update({ subscriptionPlan: 'free' }, { users: 1, activeNonAdminUsers: 0, storageBytes: 100 * 1024 ** 3 })).then([
      { type: 'tenant.updated', data: { tenantId: TENANT, subscriptionPlan: 'free', updatedFields: ['subscriptionPlan'] } },
    ]));
  it('refuses maxUsers below the seats in use (409 tenant.max_users_below_usage with both figures)', () => {
    given([created], update({ settings: { ...settings, maxUsers: 2 } })).thenThrows('tenant.max_users_below_usage');
    try {
      tenantDecider.decide(update({ settings: { maxUsers: 1 } }, { users: 2, activeNonAdminUsers: 1, storageBytes: 0 }), tenantDecider.evolve(tenantDecider.initialState(), created));
      assert.fail('expected a refusal');
    } catch (error) {
      assert.deepEqual([(error as AppError).status, (error as AppError).params], [409, { maxUsers: 1, used: 2 }]);
    }
  });
  it('allows maxUsers equal to the seats in use', () =>
    given([created], update({ settings: { maxUsers: 3 } })).then([
      { type: 'tenant.updated', data: { tenantId: TENANT, settings: { ...settings, maxUsers: 3 }, updatedFields: ['settings'] } },
    ]));
  it('changes only the settings named: a partial security policy merges into the current one', () =>
    given([created], update({ settings: { maxUsers: 7, securityPolicy: { requireMfa: true } } })).then([{
      type: 'tenant.updated',
      data: { tenantId: TENANT, settings: { ...settings, maxUsers: 7, securityPolicy: { ...DEFAULT_SECURITY_POLICY, requireMfa: true } }, updatedFields: ['settings'] },
    }]));
  it('validates the merged settings', () =>
    given([created], update({ settings: { securityPolicy: { sessionTimeout: 'PT25H' } } })).thenThrows('tenant.invalid_settings'));
  it('refuses an update on a deleted tenant', () => given([created, deleted], update({ name: 'Again' })).thenThrows('tenant.deleted'));
  it('refuses an update on an unknown tenant', () => given([], update({ name: 'Again' })).thenThrows('tenant.not_found'));
});

describe('tenant decider: suspend, resume', () => {
  const suspended: TenantEvent = { type: 'tenant.suspended', data: { tenantId: TENANT, reason: null } };
  it('suspends an active tenant', () => given([created], { type: 'suspend' }).then([suspended]));
  it('refuses to suspend twice', () => given([created, suspended], { type: 'suspend' }).thenThrows('tenant.invalid_status_transition'));
  it('resumes a suspended tenant', () => given([created, suspended], { type: 'resume' }).then([{ type: 'tenant.resumed', data: { tenantId: TENANT } }]));
  it('refuses to resume an active tenant', () => given([created], { type: 'resume' }).thenThrows('tenant.invalid_status_transition'));
  it('refuses to suspend a deleted tenant', () => given([created, deleted], { type: 'suspend' }).thenThrows('tenant.deleted'));
});

describe('tenant decider: delete, purge', () => {
  const del = (reason: string, period?: string, u = usage): TenantCommand => ({ type: 'delete', deletionReason: reason, ...(period ? { dataRetentionPeriod: period } : {}), usage: u, now });
  it('deletes with the default retention of P90D', () =>
    given([created], del('user_requested')).then([
      { type: 'tenant.deleted', data: { tenantId: TENANT, deletionReason: 'user_requested', dataRetentionPeriod: 'P90D', purgeAfter: '2026-04-01T00:00:00.000Z' } },
    ]));
  it('accepts other:<text> reasons', () => {
    const [event] = tenantDecider.decide(del('other:merged into group', 'P30D'), tenantDecider.evolve(tenantDecider.initialState(), created));
    assert.equal(event?.type === 'tenant.deleted' && event.data.deletionReason, 'other:merged into group');
  });
  it('refuses unknown reasons', () => given([created], del('bored')).thenThrows('tenant.invalid_deletion_reason'));
  it('refuses retention outside P30D–P365D', () => {
    given([created], del('inactive', 'P29D')).thenThrows('tenant.invalid_retention_period');
    given([created], del('inactive', 'P366D')).thenThrows('tenant.invalid_retention_period');
    given([created], del('inactive', 'PT24H')).thenThrows('tenant.invalid_retention_period');
  });
  it('refuses while non-admin users are active', () =>
    given([created], del('inactive', 'P30D', { users: 5, activeNonAdminUsers: 1, storageBytes: 0 })).thenThrows('tenant.has_active_users'));
  it('refuses a second delete (no command on a deleted tenant)', () => given([created, deleted], del('inactive')).thenThrows('tenant.deleted'));
  it('purges only after the retention period', () => {
    given([created, deleted], { type: 'purge', now }).thenThrows('tenant.retention_not_elapsed');
    given([created, deleted], { type: 'purge', now: new Date('2026-02-01T00:00:00Z') }).then([{ type: 'tenant.purged', data: { tenantId: TENANT } }]);
  });
  it('refuses to purge a live tenant', () => given([created], { type: 'purge', now }).thenThrows('tenant.invalid_status_transition'));
});
