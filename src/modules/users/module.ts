import type { AcciModule } from '../../framework/module.ts';
import { registerIdempotency } from '../../framework/http/idempotency.ts';
import { createProjectionRunner, type ProjectionRunner } from '../../framework/projections/index.ts';
import { registerTenantRoutes, tenantMetricsProjection } from '../tenants/index.ts';
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
  let metricsRunner: ProjectionRunner | undefined;
  const tenants: AcciModule = {
    name: 'tenants',
    register(app, context) {
      const services = identityServices(context, options);
      registerIdempotency(app, { db: context.db.app });
      registerTenantRoutes(app, { db: context.db.app, commands: services.tenants });
    },
    /** Tenant metrics (user counts, last activity) follow the events asynchronously, off the write path. */
    async start(context) {
      metricsRunner = createProjectionRunner({ projection: tenantMetricsProjection, db: context.db.system, logger: context.logger, metrics: context.metrics });
      await metricsRunner.start();
    },
    async stop() {
      await metricsRunner?.stop();
      metricsRunner = undefined;
    },
  };
  const users: AcciModule = {
    name: 'users',
    register(app, context) {
      const services = identityServices(context, options);
      registerIdempotency(app, { db: context.db.app });
      registerUserRoutes(app, { db: context.db.app, commands: services.users });
    },
  };
  return [tenants, users];
}
