import type { Decider } from '../../../framework/cqrs/decider.ts';
import { accessErrors } from '../errors.ts';
import { CORE_CATALOG, type PermissionCatalog } from '../catalog.ts';
import { CUSTOM_ROLE, isBuiltInRole } from '../permissions.ts';
import type { RoleEvent } from './events.ts';

export type RoleCommand =
  | { type: 'role.create'; name: string; description: string; permissions: readonly string[] }
  | { type: 'role.update'; name: string; description?: string; permissions?: readonly string[] }
  | { type: 'role.delete'; name: string }
  | { type: 'role.assign'; userId: string; role: string }
  | { type: 'role.unassign'; userId: string; role: string };

export type RoleDefinition = { name: string; description: string; permissions: string[] };

/** The role set of one tenant: custom roles by name, and the extra roles assigned to each user. */
export type RoleSetState = {
  status: 'active';
  roles: ReadonlyMap<string, RoleDefinition>;
  assignments: ReadonlyMap<string, ReadonlySet<string>>;
};

function validPermissions(catalog: PermissionCatalog, permissions: readonly string[]): string[] {
  for (const permission of permissions) {
    if (!catalog.has(permission)) throw accessErrors.unknownPermission(permission);
    if (catalog.isPlatformOnly(permission)) throw accessErrors.platformPermission(permission);
  }
  return [...new Set(permissions)].sort();
}

function usersWith(state: RoleSetState, role: string): number {
  let count = 0;
  for (const roles of state.assignments.values()) if (roles.has(role)) count++;
  return count;
}

/**
 * Custom roles and assignments of a tenant as a pure decider; roles may only grant permissions of
 * the catalog (the platform's plus the installed modules').
 *
 * @example
 *   roleSetDecider.decide({ type: 'role.create', name: 'custom:auditor', description: '', permissions: ['audit:read'] }, roleSetDecider.initialState());
 *   // → [{ type: 'role.created', data: { name: 'custom:auditor', description: '', permissions: ['audit:read'] } }]
 */
export const createRoleSetDecider = (catalog: PermissionCatalog): Decider<RoleCommand, RoleEvent, RoleSetState> => ({
  initialState: () => ({ status: 'active', roles: new Map(), assignments: new Map() }),
  decide(command, state) {
    switch (command.type) {
      case 'role.create': {
        if (isBuiltInRole(command.name)) throw accessErrors.builtInRole(command.name);
        if (!CUSTOM_ROLE.test(command.name)) throw accessErrors.invalidRoleName(command.name);
        if (state.roles.has(command.name)) throw accessErrors.roleExists(command.name);
        return [{ type: 'role.created', data: { name: command.name, description: command.description, permissions: validPermissions(catalog, command.permissions) } }];
      }
      case 'role.update': {
        const role = state.roles.get(command.name);
        if (!role) throw isBuiltInRole(command.name) ? accessErrors.builtInRole(command.name) : accessErrors.roleNotFound(command.name);
        const permissions = command.permissions ? validPermissions(catalog, command.permissions) : role.permissions;
        const description = command.description ?? role.description;
        if (description === role.description && permissions.join() === role.permissions.join()) return [];
        return [{ type: 'role.updated', data: { name: command.name, description, permissions } }];
      }
      case 'role.delete': {
        if (!state.roles.has(command.name)) throw isBuiltInRole(command.name) ? accessErrors.builtInRole(command.name) : accessErrors.roleNotFound(command.name);
        const users = usersWith(state, command.name);
        if (users > 0) throw accessErrors.roleInUse(command.name, users);
        return [{ type: 'role.deleted', data: { name: command.name } }];
      }
      case 'role.assign': {
        if (!isBuiltInRole(command.role) && !state.roles.has(command.role)) throw accessErrors.roleNotFound(command.role);
        if (state.assignments.get(command.userId)?.has(command.role)) return [];
        return [{ type: 'role.assigned', data: { userId: command.userId, role: command.role } }];
      }
      case 'role.unassign': {
        if (!state.assignments.get(command.userId)?.has(command.role)) return [];
        return [{ type: 'role.unassigned', data: { userId: command.userId, role: command.role } }];
      }
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'role.created':
      case 'role.updated':
        return { ...state, roles: new Map(state.roles).set(event.data.name, { ...event.data }) };
      case 'role.deleted': {
        const roles = new Map(state.roles);
        roles.delete(event.data.name);
        return { ...state, roles };
      }
      case 'role.assigned': {
        const assignments = new Map(state.assignments);
        assignments.set(event.data.userId, new Set(state.assignments.get(event.data.userId)).add(event.data.role));
        return { ...state, assignments };
      }
      case 'role.unassigned': {
        const assignments = new Map(state.assignments);
        const remaining = new Set(state.assignments.get(event.data.userId));
        remaining.delete(event.data.role);
        if (remaining.size === 0) assignments.delete(event.data.userId);
        else assignments.set(event.data.userId, remaining);
        return { ...state, assignments };
      }
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
});

/** The decider over the platform's own catalog. */
export const roleSetDecider = createRoleSetDecider(CORE_CATALOG);
