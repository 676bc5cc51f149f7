import type { Transaction } from '../../framework/eventstore/index.ts';
import { noteErrors } from './errors.ts';
import type { NoteEvent } from './events.ts';

/** Titles compare without case, surrounding space or Unicode look-alike differences. */
export const titleKey = (title: string): string => title.normalize('NFKC').trim().toLowerCase();

async function claim(tx: Transaction, tenantId: string, noteId: string, title: string): Promise<void> {
  // ON CONFLICT waits for a concurrent claimer's transaction, then reports the row it committed.
  const result = await tx.query(`INSERT INTO example_note_titles (tenant_id, title_key, note_id) VALUES ($1, $2, $3)
    ON CONFLICT (tenant_id, title_key) DO UPDATE SET note_id = excluded.note_id WHERE example_note_titles.note_id = excluded.note_id`,
  [tenantId, titleKey(title), noteId]);
  if (result.rowCount === 0) throw noteErrors.titleTaken(title);
}

async function release(tx: Transaction, tenantId: string, noteId: string, title: string): Promise<void> {
  await tx.query('DELETE FROM example_note_titles WHERE tenant_id = $1 AND title_key = $2 AND note_id = $3', [tenantId, titleKey(title), noteId]);
}

/**
 * Uniqueness that must hold under concurrency (ARCHITECTURE.md, practice 6): a title belongs to
 * one active note per tenant. Claimed from the decided events in the append's transaction
 * (`handleCommand({ inTransaction })`), never checked against the read model.
 *
 * @example
 *   handleCommand({ ..., inTransaction: (outcome, tx) => applyTitleClaims(tx, tenantId, noteId, outcome.events) });
 */
export async function applyTitleClaims(tx: Transaction, tenantId: string, noteId: string, events: readonly NoteEvent[]): Promise<void> {
  for (const event of events) {
    switch (event.type) {
      case 'note.created':
        await claim(tx, tenantId, noteId, event.data.title);
        break;
      case 'note.edited':
        if (titleKey(event.data.title) === titleKey(event.data.previousTitle)) break;
        await release(tx, tenantId, noteId, event.data.previousTitle);
        await claim(tx, tenantId, noteId, event.data.title);
        break;
      case 'note.archived':
        await release(tx, tenantId, noteId, event.data.title);
        break;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  }
}
