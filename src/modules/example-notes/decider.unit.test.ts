import { describe, it } from 'node:test';
import { spec } from '../../framework/testing/index.ts';
import { noteDecider } from './decider.ts';
import type { NoteEvent } from './events.ts';

const noteId = '7f1d7a52-2a4c-4a8e-9d0e-3b8c5f1e2a10';
const created: NoteEvent = { type: 'note.created', data: { noteId, title: 'Groceries', body: 'milk' } };
const edited: NoteEvent = { type: 'note.edited', data: { title: 'Shopping', body: 'milk, eggs', previousTitle: 'Groceries' } };
const archived: NoteEvent = { type: 'note.archived', data: { title: 'Shopping' } };
const note = spec(noteDecider);

describe('note decider', () => {
  it('creates a note once', () => {
    note.when({ type: 'create', noteId, title: 'Groceries', body: 'milk' }).then([created]);
    note.given([created]).when({ type: 'create', noteId, title: 'Again', body: '' }).thenThrows('note.already_exists', { noteId });
  });

  it('edits an active note, remembering the previous title', () => {
    note.given([created]).when({ type: 'edit', noteId, title: 'Shopping', body: 'milk, eggs' }).then([edited]);
    note.given([created]).when({ type: 'edit', noteId, title: 'Groceries', body: 'milk' }).then([]);
    note.given([created, edited]).when({ type: 'edit', noteId, title: 'X', body: '' })
      .thenState({ status: 'active', title: 'X', body: '' });
  });

  it('refuses to edit a missing or archived note', () => {
    note.when({ type: 'edit', noteId, title: 'X', body: '' }).thenThrows('note.not_found');
    note.given([created, edited, archived]).when({ type: 'edit', noteId, title: 'X', body: '' }).thenThrows('note.archived');
  });

  it('archives once; archiving again changes nothing', () => {
    note.given([created, edited]).when({ type: 'archive', noteId }).then([archived]);
    note.given([created, edited, archived]).when({ type: 'archive', noteId }).then([]);
    note.when({ type: 'archive', noteId }).thenThrows('note.not_found');
  });
});
