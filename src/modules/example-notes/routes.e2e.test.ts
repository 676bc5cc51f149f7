import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import type { AcciModule } from '../../framework/module.ts';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { exampleNotesModule } from './index.ts';

/** Until the auth module lands: `x-test-principal: <tenantId>:<userId>` signs a request in. */
const headerAuth: AcciModule = {
  name: 'test-principal',
  register: () => undefined,
  authenticator: () => async (request) => {
    const value = request.headers['x-test-principal'];
    if (typeof value !== 'string') return null;
    const [tenantId = '', userId = ''] = value.split(':');
    return { tenantId, userId, role: 'member', isSystemAdmin: false };
  },
};

let t: TestApp;
const tenantA = randomUUID();
const tenantB = randomUUID();
const as = (tenantId: string) => ({ 'x-test-principal': `${tenantId}:${randomUUID()}` });
const inject = (options: InjectOptions) => t.http.inject(options);
const create = (title: string, headers: Record<string, string> = as(tenantA)) =>
  inject({ method: 'POST', url: '/api/v1/notes', headers, payload: { title, body: 'text' } });

before(async () => { t = await createTestApp({ modules: [headerAuth, exampleNotesModule] }); });
after(() => t.close());

describe('example notes over HTTP', () => {
  it('creates, reads, edits, lists and archives a note; the read model follows every command', async () => {
    const created = await create('Groceries');
    assert.equal(created.statusCode, 201);
    const note = created.json();
    assert.equal(note.title, 'Groceries');
    assert.equal(note.status, 'active');
    assert.equal(note.version, 1);
    assert.equal(created.headers.location, `/api/v1/notes/${note.id}`);

    const read = await inject({ method: 'GET', url: `/api/v1/notes/${note.id}`, headers: as(tenantA) });
    assert.deepEqual(read.json(), note);

    const edited = await inject({ method: 'PUT', url: `/api/v1/notes/${note.id}`, headers: as(tenantA), payload: { title: 'Shopping', body: 'milk' } });
    assert.equal(edited.statusCode, 200);
    assert.deepEqual([edited.json().title, edited.json().body, edited.json().version], ['Shopping', 'milk', 2]);

    const list = await inject({ method: 'GET', url: '/api/v1/notes?limit=10', headers: as(tenantA) });
    assert.ok(list.json().items.some((n: { id: string }) => n.id === note.id));

    const archived = await inject({ method: 'POST', url: `/api/v1/notes/${note.id}/archive`, headers: as(tenantA) });
    assert.equal(archived.json().status, 'archived');
    const again = await inject({ method: 'PUT', url: `/api/v1/notes/${note.id}?lang=de`, headers: as(tenantA), payload: { title: 'X', body: '' } });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'note.archived');
    assert.match(again.json().message, /archiviert/);
    const archivedList = await inject({ method: 'GET', url: '/api/v1/notes?status=archived', headers: as(tenantA) });
    assert.deepEqual(archivedList.json().items.map((n: { id: string }) => n.id), [note.id]);
  });

  it('validates input, requires a principal, and hides other tenants\' notes (404)', async () => {
    const invalid = await inject({ method: 'POST', url: '/api/v1/notes', headers: as(tenantA), payload: { title: '', body: 'x' } });
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().code, 'validation.field_too_short');
    const anonymous = await inject({ method: 'POST', url: '/api/v1/notes', payload: { title: 'Hello', body: '' } });
    assert.equal(anonymous.statusCode, 401);
    const note = (await create('Private')).json();
    for (const request of [
      { method: 'GET' as const, url: `/api/v1/notes/${note.id}` },
      { method: 'PUT' as const, url: `/api/v1/notes/${note.id}`, payload: { title: 'Mine now', body: '' } },
      { method: 'POST' as const, url: `/api/v1/notes/${note.id}/archive` },
    ]) {
      const res = await inject({ ...request, headers: as(tenantB) });
      assert.equal(res.statusCode, 404, `${request.method} ${request.url}`);
      assert.equal(res.json().code, 'note.not_found');
    }
    const listB = await inject({ method: 'GET', url: '/api/v1/notes', headers: as(tenantB) });
    assert.ok(!listB.json().items.some((n: { id: string }) => n.id === note.id));
  });

  it('a title belongs to one active note per tenant, even under concurrent creates; archiving frees it', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => create('Weekly plan')));
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409, 409, 409, 409, 409]);
    assert.equal(results.find((r) => r.statusCode === 409)?.json().code, 'note.title_taken');
    assert.equal((await create('  WEEKLY plan ')).statusCode, 409, 'titles compare without case and spaces');
    assert.equal((await create('Weekly plan', as(tenantB))).statusCode, 201, 'another tenant has its own titles');
    const winner = results.find((r) => r.statusCode === 201)!.json();
    const other = (await create('Monthly plan')).json();
    const rename = await inject({ method: 'PUT', url: `/api/v1/notes/${other.id}`, headers: as(tenantA), payload: { title: 'weekly PLAN', body: '' } });
    assert.equal(rename.statusCode, 409);
    await inject({ method: 'POST', url: `/api/v1/notes/${winner.id}/archive`, headers: as(tenantA) });
    assert.equal((await create('Weekly plan')).statusCode, 201);
  });

  it('an Idempotency-Key makes a repeated create return the same note, with one stream and one row', async () => {
    const headers = { ...as(tenantA), 'idempotency-key': randomUUID() };
    const [first, second] = await Promise.all([create('Once only', headers), create('Once only', headers)]);
    const third = await create('Once only', headers);
    assert.equal(first.statusCode, 201);
    assert.equal(second.json().id, first.json().id);
    assert.equal(third.json().id, first.json().id);
    const rows = await t.db.system.query("SELECT count(*)::int AS n FROM example_notes WHERE title = 'Once only'");
    assert.equal(rows.rows[0]?.n, 1);
    const reused = await inject({ method: 'POST', url: '/api/v1/notes', headers, payload: { title: 'Something else', body: '' } });
    assert.equal(reused.statusCode, 422);
    assert.equal(reused.json().code, 'command.id_reused');
  });

  it('documents its routes in OpenAPI', async () => {
    const spec = (await inject({ method: 'GET', url: '/api/openapi.json' })).json();
    assert.deepEqual(spec.paths['/api/v1/notes'].post.tags, ['example-notes']);
    assert.ok(spec.paths['/api/v1/notes/{noteId}/archive'].post);
  });
});
