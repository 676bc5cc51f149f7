import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase } from '../../../framework/db/index.ts';
import { createLogger } from '../../../framework/observability/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { createRevocationSet } from './revocations.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, sleep(ms).then(() => { throw new Error(`${what} did not finish within ${ms} ms`); })]);

function capturingLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', format: 'json' }, { write: (line: string) => { lines.push(line); } }) };
}

it('stops when its pool is closed: the close does not wait on the listener, and no reload runs (or logs) afterwards', async () => {
  const system = createDatabase({ connectionString: db.ownerUrl, max: 3 });
  const { lines, logger } = capturingLogger();
  const revoked = createRevocationSet({ system, logger, reloadIntervalMs: 20 });
  await revoked.start();
  await sleep(60); // a few reloads on the live pool
  // Before the fix the LISTEN connection stayed checked out: pool.end() waited forever and the
  // reload timer logged "Cannot use a pool after calling end on the pool" every interval.
  await within(system.close(), 3_000, 'closing the pool');
  await sleep(100);
  assert.deepEqual(lines.filter((l) => /revocation|Cannot use a pool/.test(l)), []);
  await revoked.stop(); // still safe afterwards
});

it('stop() during start() leaves no connection behind', async () => {
  const system = createDatabase({ connectionString: db.ownerUrl, max: 3 });
  const { logger } = capturingLogger();
  const revoked = createRevocationSet({ system, logger, reloadIntervalMs: 20 });
  const starting = revoked.start().catch(() => undefined);
  await revoked.stop();
  await starting;
  await within(system.close(), 3_000, 'closing the pool');
});
