import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { RecordedEvent } from '../../framework/eventstore/index.ts';
import { projectionSpec } from '../../framework/testing/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { DEFAULT_SECURITY_POLICY } from './domain.ts';
import { tenantDetailsProjection, tenantMetricsProjection } from './projections.ts';
import { userProfilesProjection } from '../users/projections.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const settings = { allowedAuthMethods: ['password'], maxUsers: 5, features: [], customDomain: 'login.acme.test', securityPolicy: DEFAULT_SECURITY_POLICY };
const created = (tenantId: string) => ({
  type: 'tenant.created', streamId: `tenant-${tenantId}`,
  data: { tenantId, name: 'Acme', slug: 'acme', subscriptionPlan: 'free', adminEmail: 'a@acme.test', metadata: {}, settings },
});
const registered = (tenantId: string, userId: string, status: 'invited' | 'active', role = 'user') => ({
  type: 'user.registered', streamId: `user-${userId}`,
  data: { userId, tenantId, email: `${userId.slice(0, 4)}@Acme.test`, role, displayName: null, metadata: {}, registrationSource: 'admin_invite', status },
});
const U1 = '10000000-0000-4000-8000-000000000001';
const U2 = '10000000-0000-4000-8000-000000000002';

describe('tenant projections', () => {
  it('tenant.details follows create, update, suspend, delete and purge', async () => {
    const spec = projectionSpec(tenantDetailsProjection, { db: db.system });
    const id = spec.tenantId;
    await spec.given(
      created(id),
      { type: 'tenant.updated', streamId: `tenant-${id}`, data: { tenantId: id, name: 'Acme 2', settings: { ...settings, customDomain: null }, updatedFields: ['name', 'settings'] } },
      { type: 'tenant.suspended', streamId: `tenant-${id}`, data: { tenantId: id, reason: null } },
      { type: 'tenant.deleted', streamId: `tenant-${id}`, data: { tenantId: id, deletionReason: 'inactive', dataRetentionPeriod: 'P30D', purgeAfter: '2030-01-01T00:00:00.000Z' } },
    ).then(async (q) => {
      const row = (await q.query('SELECT name, slug, status, custom_domain, deletion_reason, version FROM tenant_details WHERE tenant_id = $1', [id])).rows[0];
      assert.deepEqual(row, { name: 'Acme 2', slug: 'acme', status: 'deleted', custom_domain: null, deletion_reason: 'inactive', version: '4' });
    });
    await projectionSpec(tenantDetailsProjection, { db: db.system, tenantId: id })
      .given({ type: 'tenant.purged', streamId: `tenant-${id}`, data: { tenantId: id } })
      .then(async (q) => assert.equal((await q.query('SELECT 1 FROM tenant_details WHERE tenant_id = $1', [id])).rowCount, 0));
  });

  it('tenant.metrics counts total and active users and tracks the last activity', async () => {
    const spec = projectionSpec(tenantMetricsProjection, { db: db.system });
    const id = spec.tenantId;
    await spec.given(
      created(id),
      registered(id, U1, 'invited', 'admin'),
      registered(id, U2, 'active'),
      { type: 'user.invitation_accepted', streamId: `user-${U1}`, data: { userId: U1, tenantId: id } },
      { type: 'user.deactivated', streamId: `user-${U2}`, data: { userId: U2, tenantId: id, reason: 'inactive', deactivationType: 'permanent', reactivationDate: null, previousStatus: 'active' } },
    ).then(async (q) => {
      const row = (await q.query('SELECT total_users, active_users, last_activity IS NOT NULL AS seen FROM tenant_metrics WHERE tenant_id = $1', [id])).rows[0];
      assert.deepEqual(row, { total_users: 2, active_users: 1, seen: true });
    });
  });

  it('tenant.metrics counts a sign-in as activity', async () => {
    const spec = projectionSpec(tenantMetricsProjection, { db: db.system });
    const id = spec.tenantId;
    await spec.given(created(id), registered(id, U1, 'active')).then(async () => undefined);
    const before = (await db.system.query<{ at: Date }>('SELECT last_activity AS at FROM tenant_metrics WHERE tenant_id = $1', [id])).rows[0]!.at;
    await new Promise((r) => setTimeout(r, 5));
    await projectionSpec(tenantMetricsProjection, { db: db.system, tenantId: id })
      .given({ type: 'auth.login_succeeded', streamId: `session-${U1}`, data: { userId: U1, tenantId: id } })
      .then(async (q) => {
        const row = (await q.query<{ at: Date; total: number }>('SELECT last_activity AS at, total_users AS total FROM tenant_metrics WHERE tenant_id = $1', [id])).rows[0]!;
        assert.ok(row.at > before, 'the sign-in moved the last activity');
        assert.equal(row.total, 1);
      });
  });

  it('user.profile follows registration, profile changes, deactivation and reactivation', async () => {
    const spec = projectionSpec(userProfilesProjection, { db: db.system });
    const id = spec.tenantId;
    await spec.given(
      registered(id, U1, 'invited'),
      { type: 'user.profile_updated', streamId: `user-${U1}`, data: { userId: U1, tenantId: id, email: 'New@Acme.test', displayName: 'New', updatedFields: ['email', 'displayName'], emailChangedAt: new Date().toISOString() } },
      { type: 'user.deactivated', streamId: `user-${U1}`, data: { userId: U1, tenantId: id, reason: 'inactive', deactivationType: 'temporary', reactivationDate: '2030-01-01T00:00:00.000Z', previousStatus: 'invited' } },
      { type: 'user.reactivated', streamId: `user-${U1}`, data: { userId: U1, tenantId: id, status: 'invited', automatic: true } },
      { type: 'user.invitation_accepted', streamId: `user-${U1}`, data: { userId: U1, tenantId: id } },
      { type: 'auth.login_succeeded', streamId: `session-${U1}`, data: { userId: U1, tenantId: id } },
    ).then(async (q) => {
      const row = (await q.query('SELECT email, email_lower, display_name, status, reactivation_date, email_confirmed, version, last_login IS NOT NULL AS logged_in FROM user_profiles WHERE tenant_id = $1', [id])).rows[0];
      assert.deepEqual(row, { email: 'New@Acme.test', email_lower: 'new@acme.test', display_name: 'New', status: 'active', reactivation_date: null, email_confirmed: true, version: '5', logged_in: true });
    });
  });

  it('tenant.metrics applies a batch exactly as its handlers one by one (property, real rows)', async () => {
    type Step = { tenant: 0 | 1; kind: 'created' | 'registered' | 'accepted' | 'deactivated' | 'reactivated' | 'updated' | 'purged' | 'signedIn'; active: boolean; at: number };
    const step = fc.record({
      tenant: fc.constantFrom<0 | 1>(0, 1),
      kind: fc.constantFrom<Step['kind']>('created', 'registered', 'registered', 'registered', 'accepted', 'deactivated', 'reactivated', 'updated', 'purged', 'signedIn', 'signedIn'),
      active: fc.boolean(),
      at: fc.integer({ min: 0, max: 10_000 }),
    });
    const toEvent = (s: Step, tenants: string[], i: number): RecordedEvent => {
      const tenantId = tenants[s.tenant]!;
      const userId = randomUUID();
      const data = {
        created: { tenantId },
        registered: { userId, tenantId, status: s.active ? 'active' : 'invited' },
        accepted: { userId, tenantId },
        deactivated: { userId, tenantId, previousStatus: s.active ? 'active' : 'invited' },
        reactivated: { userId, tenantId, status: s.active ? 'active' : 'invited' },
        updated: { tenantId, updatedFields: ['name'] },
        purged: { tenantId },
        signedIn: { userId, tenantId, sessionId: randomUUID() },
      }[s.kind];
      const type = { created: 'tenant.created', registered: 'user.registered', accepted: 'user.invitation_accepted', deactivated: 'user.deactivated', reactivated: 'user.reactivated', updated: 'tenant.updated', purged: 'tenant.purged', signedIn: 'auth.login_succeeded' }[s.kind];
      return {
        type, data,
        metadata: {
          eventId: randomUUID(), eventType: type, eventVersion: 1, timestamp: new Date(Date.UTC(2026, 0, 1) + s.at * 1000).toISOString(), tenantId,
          correlationId: 'c', causationId: null, userId: null, streamId: `s-${i}`, streamVersion: 1, globalPosition: String(i + 1), transactionId: '1',
        },
      };
    };
    const rows = async (tenants: string[]) => {
      const { rows: found } = await db.system.query<{ tenant_id: string; total_users: number; active_users: number; last_activity: Date | null }>(
        'SELECT tenant_id, total_users, active_users, last_activity FROM tenant_metrics WHERE tenant_id = ANY($1::uuid[])', [tenants]);
      return tenants.map((t) => { const r = found.find((x) => x.tenant_id === t); return r ? [r.total_users, r.active_users, r.last_activity?.toISOString() ?? null] : null; });
    };
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 25 }), async (steps) => {
      const oneByOne = [randomUUID(), randomUUID()];
      const batched = [randomUUID(), randomUUID()];
      await db.system.transaction(async (tx) => {
        for (const [i, s] of steps.entries()) {
          const event = toEvent(s, oneByOne, i);
          await tenantMetricsProjection.handlers[event.type]!(event, tx);
        }
        await tenantMetricsProjection.applyBatch!(steps.map((s, i) => toEvent(s, batched, i)), tx);
      });
      assert.deepEqual(await rows(batched), await rows(oneByOne));
    }), { numRuns: 40 });
  });
});
