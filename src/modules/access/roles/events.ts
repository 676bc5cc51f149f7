import type { DomainEvent } from '../../../framework/cqrs/decider.ts';

/**
 * Events of a tenant's role set, stream `roles-<tenantId>` in that tenant. Custom roles carry
 * permission sets; assignments give a user a role on top of its primary role.
 */
export type RoleEvent =
  | DomainEvent<'role.created', { name: string; description: string; permissions: string[] }>
  | DomainEvent<'role.updated', { name: string; description: string; permissions: string[] }>
  | DomainEvent<'role.deleted', { name: string }>
  | DomainEvent<'role.assigned', { userId: string; role: string }>
  | DomainEvent<'role.unassigned', { userId: string; role: string }>;

export type RoleEventType = RoleEvent['type'];
export const ROLE_EVENT_TYPES: readonly RoleEventType[] = ['role.created', 'role.updated', 'role.deleted', 'role.assigned', 'role.unassigned'];

export const roleStreamId = (tenantId: string): string => `roles-${tenantId}`;
