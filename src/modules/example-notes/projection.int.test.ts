import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { projectionSpec } from '../../framework/testing/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { notesProjection } from './projection.ts';

const noteId = '0b9f3f3e-6a52-4f7e-9a63-1f0d2a3b4c5d';
const streamId = `note-${noteId}`;
let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const rowsOf = async (q: { query: (text: string, values: unknown[]) => Promise<{ rows: unknown[] }> }, tenantId: string) =>
  (await q.query('SELECT title, body, status, version FROM example_notes WHERE tenant_id = $1 ORDER BY title', [tenantId])).rows;

describe('notes projection', () => {
  it('given created and edited events, then one active row at the last version', () => {
    const spec = projectionSpec(notesProjection, { db: db.system });
    return spec
      .given(
        { type: 'note.created', streamId, data: { noteId, title: 'A', body: 'one' } },
        { type: 'note.edited', streamId, data: { title: 'B', body: 'two', previousTitle: 'A' } },
      )
      .then(async (q) => assert.deepEqual(await rowsOf(q, spec.tenantId), [{ title: 'B', body: 'two', status: 'active', version: 2 }]));
  });

  it('archiving keeps title and body; re-applying an older event changes nothing', () => {
    const spec = projectionSpec(notesProjection, { db: db.system });
    return spec
      .given(
        { type: 'note.created', streamId, data: { noteId, title: 'A', body: 'one' } },
        { type: 'note.archived', streamId, data: { title: 'A' } },
      )
      .then(async (q, events) => {
        const archived = [{ title: 'A', body: 'one', status: 'archived', version: 2 }];
        assert.deepEqual(await rowsOf(q, spec.tenantId), archived);
        await notesProjection.handlers['note.created']!(events[0]!, q);
        await notesProjection.handlers['note.archived']!(events[1]!, q);
        assert.deepEqual(await rowsOf(q, spec.tenantId), archived);
      });
  });
});
