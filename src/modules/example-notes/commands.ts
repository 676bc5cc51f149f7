import { randomUUID } from 'node:crypto';
import {
  createSnapshotStore, eventContextOf, handleCommand, type Command, type CommandBus, type CommandHandlerContext,
} from '../../framework/cqrs/index.ts';
import type { Database } from '../../framework/db/index.ts';
import type { EventStore } from '../../framework/eventstore/index.ts';
import { applyTitleClaims } from './claims.ts';
import { noteDecider, type NoteCommand } from './decider.ts';
import { noteStream } from './events.ts';
import { ArchiveNote, CreateNote, EditNote, type NoteReceipt } from './schemas.ts';

/**
 * Registers the note commands on the bus and returns their typed executors. Each handler is the
 * same four lines: build the decider command, `handleCommand` with the bus's transaction, claim
 * titles in that transaction, return a JSON receipt.
 *
 * @example
 *   const commands = registerNoteCommands({ bus: ctx.commandBus, store, db: ctx.db.app });
 *   const { noteId } = await commands.create({ payload: { title, body }, tenantId, principal, correlationId });
 */
export function registerNoteCommands(deps: { bus: CommandBus; store: EventStore; db: Database }) {
  const snapshots = createSnapshotStore(deps.db);

  const run = async (command: Command, noteCommand: NoteCommand, { tx }: CommandHandlerContext): Promise<NoteReceipt> => {
    const { tenantId } = command;
    const outcome = await handleCommand({
      store: deps.store,
      decider: noteDecider,
      streamId: noteStream(noteCommand.noteId),
      tenantId,
      command: noteCommand,
      context: eventContextOf(command),
      snapshots,
      ...(tx ? { tx } : { db: deps.db }),
      inTransaction: (result, own) => applyTitleClaims(own, tenantId, noteCommand.noteId, result.events),
    });
    return { noteId: noteCommand.noteId, version: outcome.version };
  };

  return {
    create: deps.bus.register({
      type: 'note.create', schema: CreateNote, permission: 'note:create',
      handler: (command, context) => run(command, { type: 'create', noteId: randomUUID(), ...command.payload }, context),
    }),
    edit: deps.bus.register({
      type: 'note.edit', schema: EditNote, permission: 'note:edit',
      handler: (command, context) => run(command, { type: 'edit', ...command.payload }, context),
    }),
    archive: deps.bus.register({
      type: 'note.archive', schema: ArchiveNote, permission: 'note:archive',
      handler: (command, context) => run(command, { type: 'archive', ...command.payload }, context),
    }),
  };
}

export type NoteCommands = ReturnType<typeof registerNoteCommands>;
