import { Type } from 'typebox';
import { commandFromRequest, queryFromRequest } from '../../framework/cqrs/index.ts';
import type { HttpServer } from '../../framework/http/index.ts';
import type { NoteCommands } from './commands.ts';
import type { NoteQueries } from './queries.ts';
import { ListNotes, NoteId, NoteView } from './schemas.ts';

const tags = ['example-notes'];
const security = [{ bearerAuth: [] }];
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Repeat a request safely: the same key returns the first result.' })),
});
const NoteBody = Type.Object({ title: Type.String({ minLength: 1, maxLength: 200 }), body: Type.String({ maxLength: 10_000 }) }, { additionalProperties: false });
const NoteParams = Type.Object({ noteId: NoteId });

/**
 * The HTTP face of the module: thin. A route declares its permission (`config`, for the access
 * module), turns the request into a command or query envelope (principal, tenant, correlation id,
 * Idempotency-Key) and sends it through the bus, which validates, authorizes (the same permission
 * names), rate-limits and deduplicates; writes answer with the read model.
 *
 * @example
 *   registerNoteRoutes(app, { commands, queries }); // POST /api/v1/notes, GET /api/v1/notes/:noteId ...
 */
export function registerNoteRoutes(app: HttpServer, deps: { commands: NoteCommands; queries: NoteQueries }): void {
  const { commands, queries } = deps;

  app.post('/notes', {
    config: { permission: 'note:create' },
    schema: { tags, security, summary: 'Create a note', headers: IdempotencyHeaders, body: NoteBody, response: { 201: NoteView } },
  }, async (request, reply) => {
    const { noteId } = await commands.create({ ...commandFromRequest(request), payload: request.body });
    const note = await queries.get({ ...queryFromRequest(request), params: { noteId } });
    return reply.code(201).header('location', `/api/v1/notes/${noteId}`).send(note);
  });

  app.get('/notes', {
    config: { permission: 'note:read' },
    schema: { tags, security, summary: 'List notes, newest first', querystring: ListNotes, response: { 200: Type.Object({ items: Type.Array(NoteView) }) } },
  }, async (request) => ({ items: await queries.list({ ...queryFromRequest(request), params: request.query }) }));

  app.get('/notes/:noteId', {
    config: { permission: 'note:read' },
    schema: { tags, security, summary: 'Read a note', params: NoteParams, response: { 200: NoteView } },
  }, async (request) => queries.get({ ...queryFromRequest(request), params: { noteId: request.params.noteId } }));

  app.put('/notes/:noteId', {
    config: { permission: 'note:edit' },
    schema: { tags, security, summary: 'Edit a note', headers: IdempotencyHeaders, params: NoteParams, body: NoteBody, response: { 200: NoteView } },
  }, async (request) => {
    const { noteId } = request.params;
    await commands.edit({ ...commandFromRequest(request), payload: { noteId, ...request.body } });
    return queries.get({ ...queryFromRequest(request), params: { noteId } });
  });

  app.post('/notes/:noteId/archive', {
    config: { permission: 'note:archive' },
    schema: { tags, security, summary: 'Archive a note (frees its title)', headers: IdempotencyHeaders, params: NoteParams, response: { 200: NoteView } },
  }, async (request) => {
    const { noteId } = request.params;
    await commands.archive({ ...commandFromRequest(request), payload: { noteId } });
    return queries.get({ ...queryFromRequest(request), params: { noteId } });
  });
}
