import type { DomainEvent } from '../../framework/cqrs/index.ts';

/**
 * Everything that can happen to a note: past tense, `type` + `data`, one union. Raise a type's
 * schema version (decider `eventSchemaVersions`) and add an upcaster when its `data` changes.
 */
export type NoteEvent =
  | DomainEvent<'note.created', { noteId: string; title: string; body: string }>
  | DomainEvent<'note.edited', { title: string; body: string; previousTitle: string }>
  | DomainEvent<'note.archived', { title: string }>;

export type NoteEventType = NoteEvent['type'];

/** The stream of one note. */
export const noteStream = (noteId: string): string => `note-${noteId}`;
