import type { RecordedEvent, Transaction } from '../../framework/eventstore/index.ts';
import { defineProjection } from '../../framework/projections/types.ts';
import type { NoteEvent, NoteEventType } from './events.ts';

/** A stored event's data, typed by its event type (the store already upcast it). */
const dataOf = <T extends NoteEventType>(event: RecordedEvent, _type: T) => event.data as Extract<NoteEvent, { type: T }>['data'];
const noteIdOf = (event: RecordedEvent) => event.metadata.streamId.replace(/^note-/, '');

// `version < $n` makes every handler idempotent: re-applying an event changes nothing.
const UPDATE = `UPDATE example_notes SET title = $3, body = $4, status = $5, version = $6, updated_at = $7
  WHERE tenant_id = $1 AND note_id = $2 AND version < $6`;

async function update(tx: Transaction, event: RecordedEvent, fields: { title: string; body: string | null; status: 'active' | 'archived' }) {
  const { tenantId, streamVersion, timestamp } = event.metadata;
  if (fields.body === null) {
    await tx.query(`UPDATE example_notes SET status = $3, version = $4, updated_at = $5
      WHERE tenant_id = $1 AND note_id = $2 AND version < $4`, [tenantId, noteIdOf(event), fields.status, streamVersion, timestamp]);
    return;
  }
  await tx.query(UPDATE, [tenantId, noteIdOf(event), fields.title, fields.body, fields.status, streamVersion, timestamp]);
}

/**
 * The `example_notes` read model, declared as data (event type → handler). The module runs it
 * inline: its rows change in the same transaction as the events, so a note is readable as soon
 * as the command returns.
 *
 * @example
 *   export const exampleNotesModule: AcciModule = { name: 'example-notes', inlineProjections: [notesProjection], ... };
 */
export const notesProjection = defineProjection({
  name: 'example_notes',
  version: 1,
  tables: ['example_notes'],
  handlers: {
    'note.created': async (event, tx) => {
      const data = dataOf(event, 'note.created');
      const { tenantId, streamVersion, timestamp } = event.metadata;
      await tx.query(`INSERT INTO example_notes (tenant_id, note_id, title, body, status, version, created_at, updated_at)
        VALUES ($1, $2, $3, $4, 'active', $5, $6, $6) ON CONFLICT (tenant_id, note_id) DO NOTHING`,
      [tenantId, data.noteId, data.title, data.body, streamVersion, timestamp]);
    },
    'note.edited': async (event, tx) => {
      const data = dataOf(event, 'note.edited');
      await update(tx, event, { title: data.title, body: data.body, status: 'active' });
    },
    'note.archived': async (event, tx) => {
      await update(tx, event, { title: dataOf(event, 'note.archived').title, body: null, status: 'archived' });
    },
  },
  reset: async (tx) => { await tx.query('DELETE FROM example_notes'); },
});
