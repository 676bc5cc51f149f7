import type { AcciModule } from '../../framework/module.ts';
import { registerIdempotency } from '../../framework/http/idempotency.ts';
import { createProjectionRunner, type ProjectionRunner } from '../../framework/projections/index.ts';
import { registerTenantRoutes, tenantMetricsProjection } from '../tenants/index.ts';
import { registerUserRoutes } from './routes.ts';
import { identityServices, type IdentityOptions } from './service.ts';
import { runDueWork } from './due.ts';

/**
 * The tenants and users modules (two bounded contexts sharing one write side: creating a tenant
 * registers its admin user in the same transaction).
 *
 * @example
 *   export const modules = [...createIdentityModules(), authModule];
 */
export function createIdentityModules(options: IdentityOptions & { dueWorkIntervalMs?: number } = {}): AcciModule[] {
  let metricsRunner: ProjectionRunner | undefined;
  let dueTimer: NodeJS.Timeout | undefined;
  let dueRun: Promise<unknown> | undefined;
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
    /** Reactivates users whose date has come and purges tenants past retention, once a minute (until the jobs module takes over). */
    start(context) {
      const services = identityServices(context, options);
      dueTimer = setInterval(() => {
        dueRun ??= runDueWork({ system: context.db.system, users: services.users, tenants: services.tenants, logger: context.logger })
          .catch((error: unknown) => context.logger.error({ err: error }, 'due work failed'))
          .finally(() => { dueRun = undefined; });
      }, options.dueWorkIntervalMs ?? 60_000);
      dueTimer.unref();
    },
    async stop() {
      clearInterval(dueTimer);
      dueTimer = undefined;
      await dueRun;
    },
  };
  return [tenants, users];
}
