import type { AcciModule } from '../../framework/module.ts';
import { registerIdempotency } from '../../framework/http/idempotency.ts';
import { registerTenantRoutes } from '../tenants/index.ts';
import { registerUserRoutes } from './routes.ts';
import { identityServices, type IdentityOptions } from './service.ts';

/**
 * The tenants and users modules (two bounded contexts sharing one write side: creating a tenant
 * registers its admin user in the same transaction).
 *
 * @example
 *   export const modules = [...createIdentityModules(), authModule];
 */
export function createIdentityModules(options: IdentityOptions = {}): AcciModule[] {
  const tenants: AcciModule = {
    name: 'tenants',
    register(app, context) {
      const services = identityServices(context, options);
      registerIdempotency(app, { db: context.db.app });
      registerTenantRoutes(app, { db: context.db.app, commands: services.tenants });
    },
  };
  const users: AcciModule = {
    name: 'users',
    register(app, context) {
      const services = identityServices(context, options);
      registerIdempotency(app, { db: context.db.app });
      registerUserRoutes(app, { db: context.db.app, commands: services.users });
    },
    stop() {
      return undefined;
    },
  };
  return [tenants, users];
}
