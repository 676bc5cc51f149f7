import type { AcciModule } from '../../framework/module.ts';
import type { MailOutbox } from '../../framework/mail/index.ts';
import { registerIdempotency } from '../../framework/http/idempotency.ts';
import { registerTenantRoutes, tenantDetailsProjection, tenantMetricsProjection, tenantStorageProjection } from '../tenants/index.ts';
import { userProfilesProjection } from './projections.ts';
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
  let dueTimer: NodeJS.Timeout | undefined;
  let dueRun: Promise<unknown> | undefined;
  let outbox: MailOutbox | undefined;
  const tenants: AcciModule = {
    name: 'tenants',
    /** Tenant details change in the append's transaction; metrics and storage follow asynchronously (the platform runs the runners). */
    inlineProjections: [tenantDetailsProjection],
    projections: [tenantMetricsProjection, tenantStorageProjection],
    register(app, context) {
      const services = identityServices(context, options);
      registerIdempotency(app, { db: context.db.app });
      registerTenantRoutes(app, { db: context.db.app, commands: services.tenants });
    },
  };
  const users: AcciModule = {
    name: 'users',
    inlineProjections: [userProfilesProjection],
    register(app, context) {
      const services = identityServices(context, options);
      registerIdempotency(app, { db: context.db.app });
      registerUserRoutes(app, { db: context.db.app, commands: services.users, customRoleExists: context.customRoleExists });
    },
    /**
     * Sends queued invitation mails (the outbox worker, on the owner pool), and reactivates users whose
     * date has come and purges tenants past retention, once a minute (until the jobs module takes over).
     */
    start(context) {
      const services = identityServices(context, options);
      services.outbox.start(context.db.system);
      outbox = services.outbox;
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
      await Promise.all([dueRun, outbox?.stop()]);
      outbox = undefined;
    },
  };
  return [tenants, users];
}
