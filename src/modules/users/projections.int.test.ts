import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { projectionSpec, type GivenEvent } from '../../framework/projections/testing.ts';
import { userProfilesProjection } from './projections.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

/** A tenant's history with runs of registrations between other events, as catch-up and group commits see it. */
function history(tenantId: string): GivenEvent[] {
  const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const registered = (userId: string, i: number, source: string, status: string): GivenEvent => ({
    type: 'user.registered', streamId: `user-${userId}`, tenantId,
    data: { userId, tenantId, email: `Person${i}@Example.org`, role: i === 0 ? 'admin' : 'user', displayName: i === 2 ? null : `Person ${i}`,
      metadata: { n: i, nested: { list: [i] } }, registrationSource: source, status },
  });
  return [
    registered(ids[0]!, 0, 'admin_invite', 'invited'),
    registered(ids[1]!, 1, 'self_service', 'active'),
    registered(ids[2]!, 2, 'admin_invite', 'invited'),
    { type: 'user.profile_updated', streamId: `user-${ids[1]}`, tenantId, data: { userId: ids[1], tenantId, displayName: 'Renamed', updatedFields: ['displayName'] } },
    { type: 'user.invitation_accepted', streamId: `user-${ids[0]}`, tenantId, data: { userId: ids[0], tenantId } },
    registered(ids[3]!, 3, 'self_service', 'active'),
    { type: 'user.deactivated', streamId: `user-${ids[3]}`, tenantId,
      data: { userId: ids[3], tenantId, reason: 'policy_violation', deactivationType: 'permanent', reactivationDate: null } },
  ];
}

const profiles = async (tenantId: string) => (await db.system.query(
  `SELECT email, email_lower, display_name, role, status, metadata, registration_source, email_confirmed, version, deactivation_type,
          created_at = updated_at AS untouched
     FROM user_profiles WHERE tenant_id = $1 ORDER BY email`, [tenantId])).rows;

describe('user_profiles projection', () => {
  it('applyBatch (registrations as one INSERT per run) writes exactly what the handlers write one by one', async () => {
    const one = randomUUID();
    const batched = randomUUID();
    await projectionSpec(userProfilesProjection, { db: db.system, tenantId: one }).given(...history(one)).then(async () => undefined);
    await projectionSpec(userProfilesProjection, { db: db.system, tenantId: batched }).given(...history(batched)).then(async () => undefined, { batch: true });
    const expected = await profiles(one);
    assert.equal(expected.length, 4);
    assert.deepEqual(await profiles(batched), expected);
    assert.deepEqual(expected.map((r) => [r.status, r.email_confirmed]), [['active', true], ['active', false], ['invited', true], ['deactivated', false]]);
  });
});
