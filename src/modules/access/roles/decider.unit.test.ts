import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../../framework/errors/index.ts';
import { roleSetDecider, type RoleCommand, type RoleSetState } from './decider.ts';
import type { RoleEvent } from './events.ts';

const USER = '33333333-3333-4333-8333-333333333333';
const given = (events: RoleEvent[]): RoleSetState => events.reduce(roleSetDecider.evolve, roleSetDecider.initialState());
const when = (events: RoleEvent[], command: RoleCommand) => roleSetDecider.decide(command, given(events));
const rejects = (events: RoleEvent[], command: RoleCommand, code: string) =>
  assert.throws(() => when(events, command), (e: unknown) => e instanceof AppError && e.code === code);
const created: RoleEvent = { type: 'role.created', data: { name: 'custom:auditor', description: '', permissions: ['audit:read'] } };

test('create: permissions are validated, sorted and deduplicated', () => {
  assert.deepEqual(when([], { type: 'role.create', name: 'custom:auditor', description: 'd', permissions: ['users:list', 'audit:read', 'audit:read'] }), [
    { type: 'role.created', data: { name: 'custom:auditor', description: 'd', permissions: ['audit:read', 'users:list'] } },
  ]);
  rejects([], { type: 'role.create', name: 'custom:x', description: '', permissions: ['users:fly'] }, 'access.unknown_permission');
  rejects([], { type: 'role.create', name: 'custom:x', description: '', permissions: ['tenants:create'] }, 'access.platform_permission');
  rejects([], { type: 'role.create', name: 'admin', description: '', permissions: [] }, 'access.role_built_in');
  rejects([], { type: 'role.create', name: 'Custom:X', description: '', permissions: [] }, 'access.invalid_role_name');
  rejects([created], { type: 'role.create', name: 'custom:auditor', description: '', permissions: [] }, 'access.role_exists');
});

test('update: changes only what differs; unknown and built-in roles are refused', () => {
  assert.deepEqual(when([created], { type: 'role.update', name: 'custom:auditor', permissions: ['audit:read'] }), []);
  assert.deepEqual(when([created], { type: 'role.update', name: 'custom:auditor', permissions: ['roles:read'] }), [
    { type: 'role.updated', data: { name: 'custom:auditor', description: '', permissions: ['roles:read'] } },
  ]);
  rejects([], { type: 'role.update', name: 'custom:ghost', permissions: [] }, 'access.role_not_found');
  rejects([], { type: 'role.update', name: 'user', permissions: [] }, 'access.role_built_in');
});

test('assign/unassign are idempotent; a role in use cannot be deleted', () => {
  const assigned: RoleEvent = { type: 'role.assigned', data: { userId: USER, role: 'custom:auditor' } };
  assert.deepEqual(when([created], { type: 'role.assign', userId: USER, role: 'custom:auditor' }), [assigned]);
  assert.deepEqual(when([created, assigned], { type: 'role.assign', userId: USER, role: 'custom:auditor' }), []);
  rejects([], { type: 'role.assign', userId: USER, role: 'custom:ghost' }, 'access.role_not_found');
  rejects([created, assigned], { type: 'role.delete', name: 'custom:auditor' }, 'access.role_in_use');
  const unassigned: RoleEvent = { type: 'role.unassigned', data: { userId: USER, role: 'custom:auditor' } };
  assert.deepEqual(when([created, assigned], { type: 'role.unassign', userId: USER, role: 'custom:auditor' }), [unassigned]);
  assert.deepEqual(when([created, assigned, unassigned], { type: 'role.delete', name: 'custom:auditor' }), [
    { type: 'role.deleted', data: { name: 'custom:auditor' } },
  ]);
  assert.deepEqual(when([created, assigned, unassigned], { type: 'role.unassign', userId: USER, role: 'custom:auditor' }), []);
});
