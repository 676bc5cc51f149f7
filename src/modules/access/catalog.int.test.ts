import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { seedTenant, seedUser } from '../../../test/support/read-models.ts';
import type { Principal } from '../../framework/http/index.ts';
import { exampleNotesModule } from '../example-notes/index.ts';
import { CatalogError, createCatalog } from './catalog.ts';
import { DEFAULT_RATE_LIMITS } from './limits.ts';
import { createAccess } from './module.ts';
import { createPolicyEngine } from './policy/engine.ts';
import { DEFAULT_POLICY_FILE, MODEL_FILE } from './policy/files.ts';
import { PolicyValidationError } from './policy/policy-file.ts';
import { asHeaders, principalFromHeader } from './test-support.ts';

const tenantId = randomUUID();
const as = (role: string): Principal => ({ userId: randomUUID(), tenantId, role, isSystemAdmin: false });
const admin = as('admin');

describe('the permission catalog takes modules\' permissions', () => {
  it('refuses a module that claims a platform resource, bad names or a resource twice', () => {
    assert.throws(() => createCatalog([{ module: 'evil', permissions: { resources: { users: ['steal'] } } }]), (error: Error) =>
      error instanceof CatalogError && /"users", which belongs to the platform/.test(error.message));
    assert.throws(() => createCatalog([{ module: 'm', permissions: { resources: { 'Bad Name': ['read'] } } }]), CatalogError);
    assert.throws(() => createCatalog([{ module: 'm', permissions: { resources: { thing: ['re:ad'] } } }]), CatalogError);
    assert.throws(() => createCatalog([{ module: 'm', permissions: { resources: { thing: [] } } }]), CatalogError);
    assert.throws(() => createCatalog([
      { module: 'a', permissions: { resources: { thing: ['read'] } } },
      { module: 'b', permissions: { resources: { thing: ['write'] } } },
    ]), /"thing", which belongs to module "a"/);
    const catalog = createCatalog([{ module: 'm', permissions: { resources: { thing: ['read', 'write'] } } }]);
    assert.ok(catalog.has('thing:write') && catalog.has('users:invite') && !catalog.has('thing:delete'));
  });

  it('validates a module\'s default grants with the shipped policy, naming the module', async () => {
    const [model, policy] = await Promise.all([readFile(MODEL_FILE, 'utf8'), readFile(DEFAULT_POLICY_FILE, 'utf8')]);
    const catalog = createCatalog([{ module: 'm', permissions: { resources: { thing: ['read'] }, policy: 'p, user, *, thing:fly, any\np, user, *, tenants:create, any' } }]);
    await assert.rejects(createPolicyEngine({ model, policy, catalog }), (error: Error) =>
      error instanceof PolicyValidationError
      && error.problems.some((p) => p.startsWith('module m line 1: unknown permission "thing:fly"'))
      && error.problems.some((p) => p.includes('module m line 2: conflict: "tenants:create" is a platform permission')));
  });
});

describe('an application module under the access module', () => {
  let t: TestApp;
  const access = createAccess({ rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false }, quotas: false, watchPolicy: false });
  before(async () => {
    t = await createTestApp({ modules: [access.module, principalFromHeader(), exampleNotesModule] });
    await seedTenant(t.db.system, tenantId);
  });
  after(() => t.close());

  const createNote = (principal: Principal, title = `Note ${randomUUID()}`) =>
    t.http.inject({ method: 'POST', url: '/api/v1/notes', headers: asHeaders(principal), payload: { title, body: 'text' } });

  it('lists the module\'s permissions next to the platform\'s', async () => {
    const res = await t.http.inject({ method: 'GET', url: '/api/v1/permissions', headers: asHeaders(admin) });
    const names = (res.json() as { items: { name: string }[] }).items.map((p) => p.name);
    assert.ok(names.includes('users:invite') && names.includes('note:archive'), names.join());
  });

  it('applies the module\'s default grants to the built-in roles, on routes and on the command bus', async () => {
    const user = as('user');
    const readOnly = as('read_only');
    const created = await createNote(user);
    assert.equal(created.statusCode, 201, created.body);
    const noteId = (created.json() as { id: string }).id;
    assert.equal((await createNote(readOnly)).statusCode, 403);
    assert.equal((await t.http.inject({ method: 'GET', url: `/api/v1/notes/${noteId}`, headers: asHeaders(readOnly) })).statusCode, 200);
    const archived = await t.http.inject({ method: 'POST', url: `/api/v1/notes/${noteId}/archive`, headers: asHeaders(user) });
    assert.equal(archived.statusCode, 403, 'users may not archive by default');
    assert.deepEqual(access.effectivePermissions(user).filter((p) => p.startsWith('note:')), ['note:create', 'note:read', 'note:edit']);
  });

  it('lets a tenant grant the module\'s permissions in a custom role, and refuses unknown ones', async () => {
    const user = as('user');
    const role = await t.http.inject({
      method: 'POST', url: `/api/v1/tenants/${tenantId}/roles`, headers: asHeaders(admin),
      payload: { name: 'custom:archivist', permissions: ['note:archive', 'note:read'] },
    });
    assert.equal(role.statusCode, 201, role.body);
    await seedUser(t.db.system, tenantId, user.userId);
    const assigned = await t.http.inject({ method: 'PUT', url: `/api/v1/tenants/${tenantId}/users/${user.userId}/roles/custom:archivist`, headers: asHeaders(admin) });
    assert.equal(assigned.statusCode, 200, assigned.body);
    const noteId = ((await createNote(user)).json() as { id: string }).id;
    const archived = await t.http.inject({ method: 'POST', url: `/api/v1/notes/${noteId}/archive`, headers: asHeaders(user) });
    assert.equal(archived.statusCode, 200, archived.body);

    const unknown = await t.http.inject({
      method: 'POST', url: `/api/v1/tenants/${tenantId}/roles`, headers: asHeaders(admin),
      payload: { name: 'custom:pilot', permissions: ['note:fly'] },
    });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().code, 'access.unknown_permission');
  });
});
