import { AppError } from '../../framework/errors/index.ts';

/**
 * The module's error catalog: stable code, HTTP status, message key (`note-not_found` in
 * locales/<lang>/example-notes.ftl).
 *
 * | code | status | when |
 * | --- | --- | --- |
 * | `note.not_found` | 404 | no such note in this tenant |
 * | `note.already_exists` | 409 | creating a note id twice |
 * | `note.archived` | 409 | changing an archived note |
 * | `note.title_taken` | 409 | another active note of the tenant has this title |
 */
export const noteErrors = {
  notFound: (noteId: string) => new AppError('note.not_found', 404, { noteId }),
  alreadyExists: (noteId: string) => new AppError('note.already_exists', 409, { noteId }),
  archived: (noteId: string) => new AppError('note.archived', 409, { noteId }),
  titleTaken: (title: string) => new AppError('note.title_taken', 409, { title }),
};
