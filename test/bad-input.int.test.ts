/**
 * Input PostgreSQL cannot take (U+0000, lone surrogates, page numbers beyond bigint) on the real
 * tenant and user routes: always a 400 with a stable code, never a 500 from SQL (SPEC §4).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createIdentityTestApp, type IdentityTestApp } from './support/identity.ts';
import { asSystemAdmin } from './support/test-auth.ts';
import { withNul } from './support/unstorable.ts';

let t: IdentityTestApp;
let tenantId: string;
let adminUserId: string;
before(async () => {
  t = await createIdentityTestApp();
  ({ tenantId, adminUserId } = await t.createTenant());
});
after(() => t.close());

const sys = asSystemAdmin();
const settings = { allowedAuthMethods: ['password'], maxUsers: 100 };
const send = (method: 'POST' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: unknown) =>
  t.http.inject({ method, url, headers: { ...sys, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });

const assertInvalidCharacters = (res: Awaited<ReturnType<typeof send>>, field?: string) => {
  assert.equal(res.statusCode, 400, res.body);
  assert.match(String(res.headers['content-type']), /application\/problem\+json/);
  const body = res.json();
  assert.equal(body.code, 'validation.invalid_characters', res.body);
  if (field !== undefined) assert.equal(body.details[0].field, field);
};

describe('U+0000 in request bodies', () => {
  it('refuses every instance the audit found with 400 validation.invalid_characters', async () => {
    const users = `/api/v1/tenants/${tenantId}/users`;
    const cases: [method: 'POST' | 'PATCH' | 'DELETE', url: string, payload: unknown, field: string][] = [
      ['POST', '/api/v1/tenants', { name: 'Nul\u0000Co', subscriptionPlan: 'free', adminEmail: 'nul@co.test', settings }, 'name'],
      ['PATCH', `/api/v1/tenants/${tenantId}`, { name: 'a\u0000bc' }, 'name'],
      ['PATCH', `/api/v1/tenants/${tenantId}`, { metadata: { a: '\u0000' } }, 'metadata.a'],
      ['POST', users, { email: 'nul@user.test', role: 'user', metadata: { x: '\u0000' } }, 'metadata.x'],
      ['POST', `${users}/${adminUserId}/deactivate`, { reason: 'other:a\u0000', deactivationType: 'permanent' }, 'reason'],
      ['DELETE', `/api/v1/tenants/${tenantId}`, { deletionReason: 'other:a\u0000' }, 'deletionReason'],
      ['PATCH', `/api/v1/tenants/${tenantId}`, { metadata: { 'k\u0000': 1 } }, 'metadata.k\\u0000'],
      ['PATCH', `/api/v1/tenants/${tenantId}`, { metadata: { lone: 'x\ud800' } }, 'metadata.lone'],
    ];
    for (const [method, url, payload, field] of cases) assertInvalidCharacters(await send(method, url, payload), field);
    const tenant = await send('GET', `/api/v1/tenants/${tenantId}`);
    assert.equal(tenant.json().status, 'active', 'nothing was applied');
  });

  it('answers arbitrary JSON with U+0000 inserted anywhere with 400, never 500 (property)', async () => {
    // "__proto__"/"constructor" keys are refused earlier, as malformed JSON.
    const json = fc.jsonValue().filter((v) => !/"(__proto__|constructor)"/.test(JSON.stringify(v)));
    const valid = fc.constantFrom<[string, string, unknown]>(
      ['POST', '/api/v1/tenants', { name: 'Property Co', subscriptionPlan: 'free', adminEmail: 'p@co.test', settings, metadata: { a: 'b' } }],
      ['PATCH', `/api/v1/tenants/{tenantId}`, { name: 'Renamed', metadata: { tags: ['x', 'y'] } }],
      ['POST', '/api/v1/tenants/{tenantId}/users', { email: 'prop@user.test', role: 'user', displayName: 'Prop' }],
    );
    await fc.assert(
      fc.asyncProperty(valid, fc.oneof(json, fc.constant(undefined)), fc.nat(), fc.nat(), async ([method, url, base], extra, slot, at) => {
        const value = extra === undefined ? base : { ...(base as object), metadata: { extra } };
        const res = await send(method as 'POST', url.replace('{tenantId}', tenantId), withNul(value, slot, at));
        assertInvalidCharacters(res);
      }),
      { numRuns: 120 },
    );
  });
});

describe('U+0000 in query strings and path parameters', () => {
  it('refuses %00 with 400 validation.invalid_characters on both list endpoints', async () => {
    for (const url of [
      `/api/v1/tenants/${tenantId}/users?email=%00`,
      `/api/v1/tenants/${tenantId}/users?email=a%00b&status=active`,
      '/api/v1/tenants?plan=%00',
    ]) {
      const res = await send('GET', url);
      assertInvalidCharacters(res, url.includes('email') ? 'email' : 'plan');
    }
    assertInvalidCharacters(await send('GET', '/api/v1/tenants/a%00b/users'), 'tenantId');
    const fine = await send('GET', `/api/v1/tenants/${tenantId}/users?email=%2500`);
    assert.equal(fine.statusCode, 200, fine.body);
    assert.equal(fine.json().total, 0);
  });
});

describe('pagination bounds', () => {
  it('refuses a page or pageSize beyond the bounds with 400 before any SQL, on both list endpoints', async () => {
    for (const list of ['/api/v1/tenants', `/api/v1/tenants/${tenantId}/users`]) {
      for (const [query, field] of [
        ['page=99999999999999999999', 'page'],
        ['page=1000001', 'page'],
        ['page=1e300', 'page'],
        ['pageSize=101', 'pageSize'],
        ['page=0', 'page'],
      ]) {
        const res = await send('GET', `${list}?${query}`);
        assert.equal(res.statusCode, 400, `${list}?${query}: ${res.body}`);
        assert.equal(res.json().code, 'validation.out_of_range');
        assert.equal(res.json().details[0].field, field);
      }
      const last = await send('GET', `${list}?page=1000000&pageSize=100`);
      assert.equal(last.statusCode, 200, last.body);
      assert.deepEqual(last.json().items, []);
      assert.equal(last.json().page, 1_000_000);
    }
  });
});

describe('deeply nested bodies', () => {
  it('refuses a body nested deeper than the limit with 400 validation.nesting_too_deep (no stack overflow, no 500)', async () => {
    // Built as text: JSON.stringify itself overflows the stack on such values.
    const nested = (depth: number) => `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`;
    const raw = (method: 'POST' | 'PATCH', url: string, text: string) =>
      t.http.inject({ method, url, headers: { ...sys, 'content-type': 'application/json' }, payload: text });
    for (const [method, url, text] of [
      ['PATCH', `/api/v1/tenants/${tenantId}`, `{"metadata":${nested(20_000)}}`],
      ['POST', `/api/v1/tenants/${tenantId}/users`, `{"email":"deep@user.test","role":"user","metadata":${nested(5_000)}}`],
      ['PATCH', `/api/v1/tenants/${tenantId}`, `{"metadata":${nested(100)}}`],
    ] as const) {
      const res = await raw(method, url, text);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, 'validation.nesting_too_deep');
    }
    const fine = await raw('PATCH', `/api/v1/tenants/${tenantId}`, `{"metadata":${nested(30)}}`);
    assert.equal(fine.statusCode, 200, fine.body);
  });
});
