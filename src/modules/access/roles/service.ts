import { Type } from 'typebox';
import type { Database } from '../../../framework/db/index.ts';
import { handleCommand, type Command, type CommandBus } from '../../../framework/cqrs/index.ts';
import { createEventStore, type Transaction } from '../../../framework/eventstore/index.ts';
import { tenantErrors } from '../../tenants/index.ts';
import type { PolicyEngine } from '../policy/engine.ts';
import { createRoleSetDecider, type RoleCommand } from './decider.ts';
import { roleStreamId } from './events.ts';
import { rolesProjection } from './projection.ts';
import { lockTenantStatus, reloadTenant, type TenantStatus } from './store.ts';

const RoleName = Type.String({ pattern: '^custom:[a-z0-9][a-z0-9_-]{0,48}$' });
const Payloads = {
  'role.create': Type.Object({ name: RoleName, description: Type.String({ maxLength: 500 }), permissions: Type.Array(Type.String(), { maxItems: 100 }) }),
  'role.update': Type.Object({ name: RoleName, description: Type.Optional(Type.String({ maxLength: 500 })), permissions: Type.Optional(Type.Array(Type.String(), { maxItems: 100 })) }),
  'role.delete': Type.Object({ name: RoleName }),
  'role.assign': Type.Object({ userId: Type.String({ format: 'uuid' }), role: Type.String({ maxLength: 60 }) }),
  'role.unassign': Type.Object({ userId: Type.String({ format: 'uuid' }), role: Type.String({ maxLength: 60 }) }),
} as const;
const PERMISSION: Record<RoleCommand['type'], string> = {
  'role.create': 'roles:manage', 'role.update': 'roles:manage', 'role.delete': 'roles:manage', 'role.assign': 'roles:manage', 'role.unassign': 'roles:manage',
};

/**
 * Commands that grant or change access. A suspended tenant refuses them, as the users module
 * refuses invitations and profile or role changes there; withdrawing access (deleting an unused
 * custom role, unassigning a role) stays open, as deactivating a user does. A deleted tenant
 * accepts no command at all (SPEC §3).
 */
const GRANTS: ReadonlySet<RoleCommand['type']> = new Set(['role.create', 'role.update', 'role.assign']);

function refuseClosedTenant(status: TenantStatus | null, type: RoleCommand['type']): void {
  if (status === 'deleted') throw tenantErrors.deleted();
  if (status === 'suspended' && GRANTS.has(type)) throw tenantErrors.suspended();
}

export type RoleService = {
  /** Runs a role command through the command bus; the engine sees the change before it returns. */
  execute: (command: Omit<Command, 'payload' | 'type'> & { command: RoleCommand }) => Promise<{ changed: boolean }>;
};

/**
 * Role commands on the platform's command bus (logging → validation → authorization → rate limit →
 * idempotency, with this module's authorizer), each in one transaction: the tenant's status (409
 * `tenant.deleted`, `tenant.suspended` for grants; see `lockTenantStatus`), decider over stream
 * `roles-<tenantId>`, inline read model; then an immediate reload of the tenant's policy (other
 * instances reload on the `acci_access` notification).
 *
 * @example
 *   await roles.execute({ tenantId, principal, correlationId, command: { type: 'role.delete', name: 'custom:auditor' } });
 */
export function createRoleService(options: { db: Database; engine: PolicyEngine; bus: CommandBus }): RoleService {
  const { db, engine, bus } = options;
  const store = createEventStore({ db, inlineProjections: [rolesProjection] });
  const decider = createRoleSetDecider(engine.catalog);
  for (const type of Object.keys(Payloads) as RoleCommand['type'][]) {
    if (bus.has(type)) continue;
    bus.register({
      type,
      schema: Payloads[type],
      permission: PERMISSION[type],
      async handler(command, context) {
        // The tenant's status is checked (and its gate key-share locked) before the stream is even
        // read, in the transaction that appends: a no-op command is refused on a deleted tenant too.
        const work = async (tx: Transaction) => {
          refuseClosedTenant(await lockTenantStatus(tx, command.tenantId), type);
          const outcome = await handleCommand({
            store, decider, streamId: roleStreamId(command.tenantId), tenantId: command.tenantId,
            command: { type, ...(command.payload as object) } as RoleCommand,
            context: { correlationId: command.correlationId, userId: command.principal?.userId ?? null },
            tx,
          });
          return { changed: outcome.events.length > 0 };
        };
        return context.tx ? work(context.tx) : db.transaction(work, { tenantId: command.tenantId });
      },
    });
  }
  return {
    async execute({ command, ...rest }) {
      const { type, ...payload } = command;
      const result = (await bus.execute({ ...rest, type, payload })) as { changed: boolean };
      await reloadTenant(db, engine, rest.tenantId);
      return result;
    },
  };
}
