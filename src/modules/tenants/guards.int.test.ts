import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { applySeatDelta, createGate } from './guards.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const TAKE_SEAT = { seats: 1, admins: 0, activeAdmins: 0, activeMembers: 0 };

it('refuses a seat with the tenant\'s status as the gate holds it at the guard: deleted or suspended', async () => {
  for (const status of ['deleted', 'suspended'] as const) {
    const tenantId = randomUUID();
    const refusal = await db.system.transaction(async (tx) => {
      await createGate(tx, tenantId, { name: 'Gate', status: 'active', seatLimit: 5, selfService: false });
      // The tenant changes after the command read it as active (a delete or a suspension racing it).
      await tx.query('UPDATE tenant_gates SET status = $2 WHERE tenant_id = $1', [tenantId, status]);
      await tx.query('UPDATE tenant_seat_stripes SET status = $2 WHERE tenant_id = $1', [tenantId, status]);
      return applySeatDelta(tx, tenantId, TAKE_SEAT);
    });
    assert.equal(refusal, status);
  }
});
