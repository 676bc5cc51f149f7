import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPolicyEngine } from './engine.ts';
import { DEFAULT_POLICY_FILE, MODEL_FILE } from './files.ts';
import { PolicyValidationError, parsePolicy } from './policy-file.ts';
import type { Principal } from '../../../framework/http/index.ts';

const model = readFileSync(MODEL_FILE, 'utf8');
const policy = readFileSync(DEFAULT_POLICY_FILE, 'utf8');
const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const as = (role: string, extra: Partial<Principal> = {}): Principal => ({ userId: `u-${role}`, tenantId: T1, role, isSystemAdmin: false, ...extra });
const sysadmin: Principal = { userId: 'root', tenantId: '00000000-0000-0000-0000-000000000000', role: 'system_admin', isSystemAdmin: true };

test('built-in roles: admin manages its tenant, read_only reads, user only its own profile', async () => {
  const e = await createPolicyEngine({ model, policy });
  assert.equal(e.decide(as('admin'), 'users:invite', { tenantId: T1 }), 'allow');
  assert.equal(e.decide(as('admin'), 'tenants:create'), 'deny');
  assert.equal(e.decide(as('read_only'), 'users:list', { tenantId: T1 }), 'allow');
  assert.equal(e.decide(as('read_only'), 'users:invite', { tenantId: T1 }), 'deny');
  assert.equal(e.decide(as('user'), 'profile:update', { tenantId: T1 }), 'allow');
  assert.equal(e.decide(as('user'), 'profile:update', { tenantId: T1, ownerId: 'someone-else' }), 'deny');
  assert.equal(e.decide(as('admin'), 'profile:update', { tenantId: T1, ownerId: 'someone-else' }), 'allow');
  assert.equal(e.decide(as('user'), 'users:list', { tenantId: T1 }), 'deny');
});

test('another tenant is not_found for everyone but the system admin, who may do anything', async () => {
  const e = await createPolicyEngine({ model, policy });
  assert.equal(e.decide(as('admin'), 'users:list', { tenantId: T2 }), 'not_found');
  assert.equal(e.decide(sysadmin, 'users:list', { tenantId: T2 }), 'allow');
  assert.equal(e.decide(sysadmin, 'tenants:create'), 'allow');
  assert.equal(e.decide(sysadmin, 'users:read', { tenantId: T2, restricted: true }), 'allow');
});

test('a restricted resource needs restricted:access as well', async () => {
  const e = await createPolicyEngine({ model, policy });
  assert.equal(e.decide(as('read_only'), 'users:read', { tenantId: T1, restricted: true }), 'deny');
  assert.equal(e.decide(as('admin'), 'users:read', { tenantId: T1, restricted: true }), 'allow');
});

test('custom roles and assignments are per tenant; API key scopes narrow the grant', async () => {
  const e = await createPolicyEngine({ model, policy });
  await e.setTenant(T1, { roles: [{ name: 'custom:auditor', permissions: ['audit:read', 'users:list'] }], assignments: new Map([['u-user', ['custom:auditor']]]) });
  assert.equal(e.decide(as('custom:auditor'), 'audit:read', { tenantId: T1 }), 'allow');
  assert.equal(e.decide(as('custom:auditor'), 'users:invite', { tenantId: T1 }), 'deny');
  assert.equal(e.decide(as('custom:auditor', { tenantId: T2 }), 'audit:read', { tenantId: T2 }), 'deny');
  assert.equal(e.decide(as('user'), 'users:list', { tenantId: T1 }), 'allow');
  assert.deepEqual(e.rolesOf(as('user')), ['user', 'custom:auditor']);
  assert.equal(e.decide(as('admin', { scopes: ['users:list'] }), 'users:invite', { tenantId: T1 }), 'deny');
  assert.equal(e.decide(as('admin', { scopes: ['users:list'] }), 'users:list', { tenantId: T1 }), 'allow');
  // profile:read is every signed-in principal's baseline on its own account (me, logout, own sessions).
  assert.deepEqual(e.permissionsOf(as('custom:auditor')), ['users:list', 'audit:read', 'profile:read']);
  assert.equal(e.decide(as('custom:auditor'), 'profile:read', { tenantId: T1, ownerId: 'someone-else' }), 'deny', 'the baseline covers its own account only');
  assert.equal(e.decide(as('custom:auditor', { scopes: ['users:list'] }), 'profile:read', { tenantId: T1 }), 'deny', 'an API key scope still narrows it');
});

test('what a role holds is remembered per tenant until that tenant or the base policy reloads', async () => {
  const e = await createPolicyEngine({ model, policy });
  await e.setTenant(T1, { roles: [{ name: 'custom:auditor', permissions: ['audit:read'] }], assignments: new Map() });
  assert.deepEqual(e.permissionsOf(as('custom:auditor')), ['audit:read', 'profile:read']);
  assert.equal(e.permissionsOf(as('custom:auditor')), e.permissionsOf(as('custom:auditor')), 'the same answer, not recomputed');
  await e.setTenant(T1, { roles: [{ name: 'custom:auditor', permissions: ['audit:read', 'users:list'] }], assignments: new Map([['u-user', ['custom:auditor']]]) });
  assert.deepEqual(e.permissionsOf(as('custom:auditor')), ['users:list', 'audit:read', 'profile:read'], 'a reloaded tenant answers anew');
  assert.ok(e.permissionsOf(as('user')).includes('users:list'), 'assignments count');
  assert.ok(!e.permissionsOf(as('user', { tenantId: T2 })).includes('users:list'), 'per tenant');
  assert.deepEqual(e.permissionsOf(as('admin', { scopes: ['users:list'] })), ['users:list'], 'API key scopes are not remembered with the role');
  const before = e.permissionsOf(as('read_only'));
  await e.loadBase(policy.replace(/^p, read_only, \*, users:list, any$/m, ''), 'edited');
  assert.ok(before.includes('users:list') && !e.permissionsOf(as('read_only')).includes('users:list'), 'a base reload answers anew');
});

test('validation: syntax, unknown permissions and roles, conflicts, cycles', () => {
  const problems = (text: string) => {
    try {
      parsePolicy(text, 'x');
      return [];
    } catch (error) {
      assert.ok(error instanceof PolicyValidationError);
      return error.problems;
    }
  };
  assert.match(problems('p, admin, *, users:invite')[0] ?? '', /expected/);
  assert.match(problems('p, admin, *, users:explode, any')[0] ?? '', /unknown permission/);
  assert.match(problems('p, wizard, *, users:list, any')[0] ?? '', /unknown role/);
  assert.match(problems('p, admin, *, tenants:create, any')[0] ?? '', /platform permission/);
  assert.match(problems('p, user, *, users:list, any\np, user, *, users:list, own')[0] ?? '', /conflict/);
  assert.match(problems('p, admin, *, users:list, sometimes')[0] ?? '', /unknown condition/);
  assert.match(problems('g, custom:a, custom:b, t\ng, custom:b, custom:a, t')[0] ?? '', /cycle/);
  assert.match(problems('x, y')[0] ?? '', /unknown rule type/);
});

test('an invalid reload keeps the running policy', async () => {
  const e = await createPolicyEngine({ model, policy });
  await assert.rejects(e.loadBase('p, admin, *, nope:nope, any', 'bad'), PolicyValidationError);
  assert.equal(e.decide(as('admin'), 'users:invite', { tenantId: T1 }), 'allow');
  await e.loadBase('p, admin, *, users:list, any', 'narrow');
  assert.equal(e.decide(as('admin'), 'users:invite', { tenantId: T1 }), 'deny');
});
