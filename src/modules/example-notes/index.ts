/**
 * The example module: how an application developer builds a bounded context on ACCI.
 * This file is the module's only door — other modules import from here, never deeper.
 * Walkthrough: docs/development/modules.md.
 */
import type { AcciModule } from '../../framework/module.ts';
import { registerNoteCommands, type NoteCommands } from './commands.ts';
import { notesProjection } from './projection.ts';
import { registerNoteQueries, type NoteQueries } from './queries.ts';
import { registerNoteRoutes } from './routes.ts';

export { noteDecider, type NoteCommand, type NoteState } from './decider.ts';
export { noteStream, type NoteEvent } from './events.ts';
export { noteErrors } from './errors.ts';
export { notesProjection } from './projection.ts';
export type { NoteCommands, NoteQueries };
export type { NoteReceipt, NoteView } from './schemas.ts';

/**
 * Notes: create, edit, archive (commands → events → inline read model), read (queries).
 *
 * @example
 *   // src/platform/modules.ts
 *   export const modules: readonly AcciModule[] = [..., exampleNotesModule];
 */
export const exampleNotesModule: AcciModule = {
  name: 'example-notes',
  // Added to the access module's catalog: routes and commands may declare them, tenants may put
  // them in custom roles, and these lines are the built-in roles' defaults (part of the policy).
  permissions: {
    resources: { note: ['create', 'read', 'edit', 'archive'] },
    policy: [
      'p, admin, *, note:create, any', 'p, admin, *, note:read, any', 'p, admin, *, note:edit, any', 'p, admin, *, note:archive, any',
      'p, user, *, note:create, any', 'p, user, *, note:read, any', 'p, user, *, note:edit, any',
      'p, read_only, *, note:read, any',
    ].join('\n'),
  },
  // Applied by the platform's event store in the append's transaction: read-your-writes.
  inlineProjections: [notesProjection],
  register(app, ctx) {
    const commands = registerNoteCommands({ bus: ctx.commandBus, store: ctx.eventStore, db: ctx.db.app });
    const queries = registerNoteQueries(ctx.queryBus);
    registerNoteRoutes(app, { commands, queries });
  },
};
