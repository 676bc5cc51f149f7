import type { QueryBus } from '../../framework/cqrs/index.ts';
import { noteErrors } from './errors.ts';
import { GetNote, ListNotes, type NoteView } from './schemas.ts';

type NoteRow = { note_id: string; title: string; body: string; status: 'active' | 'archived'; version: number; created_at: Date; updated_at: Date };

const COLUMNS = 'note_id, title, body, status, version, created_at, updated_at';
const toView = (row: NoteRow): NoteView => ({
  id: row.note_id, title: row.title, body: row.body, status: row.status, version: row.version,
  createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString(),
});

/**
 * Registers the note queries: they read only the `example_notes` read model, in a transaction
 * scoped to the caller's tenant (row-level security), never the event streams.
 *
 * @example
 *   const queries = registerNoteQueries(ctx.queryBus);
 *   const note = await queries.get({ params: { noteId }, tenantId, principal, correlationId });
 */
export function registerNoteQueries(bus: QueryBus) {
  return {
    get: bus.register({
      type: 'note.get', schema: GetNote, permission: 'note:read',
      handler: async (query, { read }) => {
        const { rows } = await read((tx) => tx.query<NoteRow>(`SELECT ${COLUMNS} FROM example_notes WHERE tenant_id = $1 AND note_id = $2`,
          [query.tenantId, query.params.noteId]));
        const row = rows[0];
        if (!row) throw noteErrors.notFound(query.params.noteId);
        return toView(row);
      },
    }),
    list: bus.register({
      type: 'note.list', schema: ListNotes, permission: 'note:read',
      handler: async (query, { read }) => {
        const { rows } = await read((tx) => tx.query<NoteRow>(`SELECT ${COLUMNS} FROM example_notes
          WHERE tenant_id = $1 AND status = $2 ORDER BY created_at DESC, note_id LIMIT $3`,
        [query.tenantId, query.params.status ?? 'active', query.params.limit ?? 50]));
        return rows.map(toView);
      },
    }),
  };
}

export type NoteQueries = ReturnType<typeof registerNoteQueries>;
