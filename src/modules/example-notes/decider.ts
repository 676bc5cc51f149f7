import type { Decider } from '../../framework/cqrs/index.ts';
import { noteErrors } from './errors.ts';
import type { NoteEvent } from './events.ts';

export type NoteCommand =
  | { type: 'create'; noteId: string; title: string; body: string }
  | { type: 'edit'; noteId: string; title: string; body: string }
  | { type: 'archive'; noteId: string };

/** The write model: only what decisions need. */
export type NoteState =
  | { status: 'none' }
  | { status: 'active'; title: string; body: string }
  | { status: 'archived'; title: string };

function decide(command: NoteCommand, state: NoteState): NoteEvent[] {
  switch (command.type) {
    case 'create':
      if (state.status !== 'none') throw noteErrors.alreadyExists(command.noteId);
      return [{ type: 'note.created', data: { noteId: command.noteId, title: command.title, body: command.body } }];
    case 'edit':
      if (state.status === 'none') throw noteErrors.notFound(command.noteId);
      if (state.status === 'archived') throw noteErrors.archived(command.noteId);
      if (state.title === command.title && state.body === command.body) return [];
      return [{ type: 'note.edited', data: { title: command.title, body: command.body, previousTitle: state.title } }];
    case 'archive':
      if (state.status === 'none') throw noteErrors.notFound(command.noteId);
      if (state.status === 'archived') return [];
      return [{ type: 'note.archived', data: { title: state.title } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function evolve(state: NoteState, event: NoteEvent): NoteState {
  switch (event.type) {
    case 'note.created':
      return { status: 'active', title: event.data.title, body: event.data.body };
    case 'note.edited':
      return { status: 'active', title: event.data.title, body: event.data.body };
    case 'note.archived':
      return { status: 'archived', title: event.data.title };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/**
 * A note: created, edited while active, archived once (archiving twice and identical edits are
 * no-ops). Snapshotted every 50 events — notes are edited often.
 *
 * @example
 *   noteDecider.decide({ type: 'archive', noteId }, { status: 'active', title: 'T', body: '' });
 *   // → [{ type: 'note.archived', data: { title: 'T' } }]
 */
export const noteDecider: Decider<NoteCommand, NoteEvent, NoteState> = {
  initialState: () => ({ status: 'none' }),
  decide,
  evolve,
  snapshot: { name: 'note', every: 50, schemaVersion: 1 },
};
