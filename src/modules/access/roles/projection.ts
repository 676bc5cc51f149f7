import { defineProjection } from '../../../framework/projections/types.ts';
import type { RecordedEvent } from '../../../framework/eventstore/types.ts';
import type { RoleEvent } from './events.ts';

type Data<T extends RoleEvent['type']> = Extract<RoleEvent, { type: T }>['data'];
const data = <T extends RoleEvent['type']>(event: RecordedEvent, _type: T): Data<T> => event.data as Data<T>;
const done = () => undefined;

/**
 * Inline read model of custom roles and assignments (migration 0030), written in the append's
 * transaction; its triggers notify `acci_access` so every instance reloads the tenant's policy.
 */
export const rolesProjection = defineProjection({
  name: 'access_roles',
  version: 1,
  tables: ['access_roles', 'access_role_assignments'],
  handlers: {
    'role.created': (event, tx) => {
      const d = data(event, 'role.created');
      return tx.query(
        `INSERT INTO access_roles (tenant_id, name, description, permissions, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
        [event.metadata.tenantId, d.name, d.description, d.permissions, event.metadata.timestamp],
      ).then(done);
    },
    'role.updated': (event, tx) => {
      const d = data(event, 'role.updated');
      return tx.query(
        `UPDATE access_roles SET description = $3, permissions = $4, updated_at = $5 WHERE tenant_id = $1 AND name = $2`,
        [event.metadata.tenantId, d.name, d.description, d.permissions, event.metadata.timestamp],
      ).then(done);
    },
    'role.deleted': (event, tx) =>
      tx.query(`DELETE FROM access_roles WHERE tenant_id = $1 AND name = $2`, [event.metadata.tenantId, data(event, 'role.deleted').name]).then(done),
    'role.assigned': (event, tx) => {
      const d = data(event, 'role.assigned');
      return tx.query(
        `INSERT INTO access_role_assignments (tenant_id, user_id, role, assigned_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [event.metadata.tenantId, d.userId, d.role, event.metadata.timestamp],
      ).then(done);
    },
    'role.unassigned': (event, tx) => {
      const d = data(event, 'role.unassigned');
      return tx.query(`DELETE FROM access_role_assignments WHERE tenant_id = $1 AND user_id = $2 AND role = $3`, [event.metadata.tenantId, d.userId, d.role]).then(done);
    },
  },
  reset: (tx) => tx.query('DELETE FROM access_role_assignments; DELETE FROM access_roles').then(done),
});
