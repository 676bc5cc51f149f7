import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { seedTenant } from '../../../test/support/read-models.ts';
import { modules } from '../../platform/modules.ts';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import type { Principal } from '../../framework/http/index.ts';
import { access } from './index.ts';
import { PERMISSIONS, type Permission } from './permissions.ts';
import { asHeaders, principalFromHeader } from './test-support.ts';

// Limits and quotas are tested elsewhere; here every request must reach the access check.
process.env.ACCI_RATE_LIMITS = 'off';

/**
 * The expected grants, written from the shared vocabulary (HELPERS.md) independently of the
 * policy file: `any` on every resource of the tenant, `own` only on the caller's own.
 */
const ALL_IN_TENANT = PERMISSIONS.filter((p) => p !== 'tenants:create' && p !== 'tenants:list');
const EXPECTED: Record<string, { any: readonly Permission[]; own: readonly Permission[] }> = {
  admin: { any: ALL_IN_TENANT, own: [] },
  read_only: {
    any: ['tenants:read', 'users:list', 'users:read', 'roles:read', 'audit:read', 'permissions:read'],
    own: ['profile:read', 'sessions:list', 'sessions:revoke'],
  },
  user: { any: ['permissions:read'], own: ['profile:read', 'profile:update', 'users:read', 'users:update', 'sessions:list', 'sessions:revoke'] },
  // Every signed-in principal holds profile:read on its own account, whatever its roles.
  'custom:matrix': { any: ['audit:read', 'users:list'], own: ['profile:read'] },
};

const OWN = randomUUID();
const OTHER = randomUUID();
const principal = (role: string): Principal => ({ userId: randomUUID(), tenantId: OWN, role, isSystemAdmin: false });
const callers: Record<string, Principal | null> = {
  system_admin: { userId: randomUUID(), tenantId: PLATFORM_TENANT_ID, role: 'system_admin', isSystemAdmin: true },
  admin: principal('admin'),
  user: principal('user'),
  read_only: principal('read_only'),
  'custom:matrix': principal('custom:matrix'),
  anonymous: null,
};

let t: TestApp;
before(async () => {
  const withoutAuth = modules.map((m) => ({ ...m, authenticator: undefined }));
  t = await createTestApp({ modules: [...withoutAuth, principalFromHeader()] });
  await seedTenant(t.db.system, OWN);
  const created = await t.http.inject({
    method: 'POST', url: `/api/v1/tenants/${OWN}/roles`, headers: asHeaders(callers.admin ?? null),
    payload: { name: 'custom:matrix', permissions: ['audit:read', 'users:list'] },
  });
  assert.equal(created.statusCode, 201, created.body);
});
after(() => t.close());

/** The concrete URL of a route pattern: the chosen tenant, another user, placeholders elsewhere. */
function urlOf(pattern: string, tenantId: string): string {
  return pattern
    .replace(':tenantId', tenantId)
    .replace(':userId', randomUUID())
    .replace(/:[A-Za-z]+/g, () => `x${randomUUID().slice(0, 8)}`)
    .replace('*', 'x');
}

type Outcome = 'reached' | 401 | 403 | 404;
function expected(caller: string, permission: string | undefined, pattern: string, tenant: 'own' | 'other'): Outcome {
  if (!permission) return 'reached';
  const who = callers[caller];
  if (!who) return 401;
  if (who.isSystemAdmin) return 'reached';
  if (tenant === 'other' && pattern.includes(':tenantId')) return 404;
  const grants = EXPECTED[who.role];
  if (!grants) return 403;
  if (grants.any.includes(permission as Permission)) return 'reached';
  if (grants.own.includes(permission as Permission) && !pattern.includes(':userId')) return 'reached';
  return 403;
}

const codeOf: Record<number, string> = { 401: 'auth.unauthenticated', 403: 'auth.forbidden', 404: 'tenant.not_found' };

test('every registered route × role × own/other tenant answers as the vocabulary says', async (context) => {
  const routes = access.routes.filter((r) => r.method !== 'HEAD');
  assert.ok(routes.some((r) => r.url === '/api/v1/tenants/:tenantId/roles'), 'the access routes are covered');
  assert.ok(routes.some((r) => r.url === '/health/ready'), 'the operations routes are covered');
  const failures: string[] = [];
  let checked = 0;
  for (const route of routes) {
    for (const caller of Object.keys(callers)) {
      for (const tenant of ['own', 'other'] as const) {
        const url = urlOf(route.url, tenant === 'own' ? OWN : OTHER);
        const res = await t.http.inject({ method: route.method as 'GET', url, headers: asHeaders(callers[caller] ?? null, true) });
        const want = expected(caller, route.permission, route.url, tenant);
        checked++;
        if (route.public) {
          if ([401, 403].includes(res.statusCode)) failures.push(`${caller} ${route.method} ${url}: public route answered ${res.statusCode}`);
          continue;
        }
        const got: Outcome | number = res.statusCode === 204 ? 'reached' : res.statusCode;
        if (got !== want) failures.push(`${caller} (${tenant}) ${route.method} ${route.url} [${route.permission}]: want ${want}, got ${got} ${res.body}`);
        else if (typeof want === 'number' && res.json().code !== codeOf[want]) failures.push(`${caller} ${route.method} ${route.url}: code ${res.json().code}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked >= routes.length * 12);
  context.diagnostic(`${routes.length} routes × ${Object.keys(callers).length} callers × 2 tenants = ${checked} requests`);
});

test('the matrix covers every permission the routes declare, and nothing is undeclared', () => {
  for (const route of access.routes) assert.ok(route.public || route.permission, `${route.method} ${route.url}`);
});
