import { resolve } from 'node:path';
import { createHttpServer, registerOpenApi, registerOpsRoutes, type HttpServer } from '../framework/http/index.ts';
import { loadTranslations, type Translations } from '../framework/i18n/index.ts';
import { createMetrics, type HealthCheck, type Logger, type Metrics } from '../framework/observability/index.ts';
import type { AcciModule, ModuleContext } from '../framework/module.ts';
import type { Database } from '../framework/db/index.ts';
import { createEventStore, createUpcasters } from '../framework/eventstore/index.ts';
import { createPlatformBuses, resolveBusPolicy } from '../framework/cqrs/index.ts';
import { createProjectionRunner, registerProjectionMetrics } from '../framework/projections/index.ts';
import { migrationStatus } from './database/migrate.ts';
import { modules as defaultModules } from './modules.ts';

export const LOCALES_DIR = resolve(import.meta.dirname, '../../locales');
let sharedTranslations: Translations | undefined;
/** Fluent files are parsed once per process. */
export const translations = (): Translations => (sharedTranslations ??= loadTranslations(LOCALES_DIR));

export type AppOptions = {
  logger: Logger;
  db: { app: Database; system: Database };
  metrics?: Metrics;
  modules?: readonly AcciModule[];
  trustProxy?: boolean;
  bodyLimit?: number;
  logRequests?: boolean;
  extraReadinessChecks?: HealthCheck[];
};

export type App = {
  http: HttpServer;
  context: ModuleContext;
  startBackground: () => Promise<void>;
  /** Stops background work; the HTTP server is closed separately so requests can drain first. */
  stopBackground: () => Promise<void>;
  markShuttingDown: () => void;
};

/** Every module's asynchronous projections; names must be unique (they key checkpoints and locks). */
export function asyncProjections(modules: readonly AcciModule[]) {
  const projections = modules.flatMap((m) => m.projections ?? []);
  const names = projections.map((p) => p.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`two projections are named ${duplicate}`);
  return projections;
}

/** Composes the HTTP server, OpenAPI, operations routes and every module. */
export async function buildApp(options: AppOptions): Promise<App> {
  const metrics = options.metrics ?? createMetrics();
  const modules = options.modules ?? defaultModules;
  const upcasters = createUpcasters(modules.flatMap((m) => m.upcasters ?? []));
  const eventStore = createEventStore({ db: options.db.app, upcasters, inlineProjections: modules.flatMap((m) => m.inlineProjections ?? []), metrics });
  const { setPolicy, ...buses } = createPlatformBuses({ db: options.db.app, logger: options.logger, metrics });
  const declaredPermissions = modules.flatMap((m) => (m.permissions ? [{ module: m.name, permissions: m.permissions }] : []));
  const context: ModuleContext = { db: options.db, logger: options.logger, metrics, translations: translations(), eventStore, ...buses, declaredPermissions };
  setPolicy(resolveBusPolicy(modules, context));
  const permissionProviders = modules.filter((m) => m.permissionsOf);
  if (permissionProviders.length > 1) throw new Error(`only one module may answer permissionsOf: ${permissionProviders.map((m) => m.name).join(', ')}`);
  const permissionsOf = permissionProviders[0]?.permissionsOf?.(context);
  if (permissionsOf) context.permissionsOf = permissionsOf;
  const allows = permissionProviders[0]?.allows?.(context);
  if (allows) context.allows = allows;
  const customRoleExists = permissionProviders[0]?.customRoleExists?.(context);
  if (customRoleExists) context.customRoleExists = customRoleExists;
  const projections = asyncProjections(modules);
  registerProjectionMetrics({ metrics, db: options.db.system, projections: () => projections });
  const runners = projections.map((projection) =>
    createProjectionRunner({ projection, db: options.db.system, upcasters, logger: options.logger, metrics }));
  let shuttingDown = false;

  const authenticators = modules.filter((m) => m.authenticator);
  if (authenticators.length > 1) throw new Error(`only one module may authenticate requests: ${authenticators.map((m) => m.name).join(', ')}`);
  const authenticate = authenticators[0]?.authenticator?.(context);

  const http = createHttpServer({
    ...(authenticate ? { authenticate } : {}),
    logger: options.logger,
    metrics,
    translations: context.translations,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    logRequests: options.logRequests ?? true,
  });
  /** Every module's stop runs even when an earlier one fails; the first failure is rethrown. */
  const stopModules = async () => {
    let failure: unknown;
    for (const module of [...modules].reverse()) {
      try {
        await module.stop?.();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  };
  // Registering a module may already start work (auth's revocation listener): a failure part-way
  // stops it again, or its connection and timers would keep the process alive after the error.
  try {
    for (const module of modules) await module.global?.(http, context);
    await registerOpenApi(http, {
      title: 'ACCI API',
      version: '1.0.0',
      description: 'Multi-tenant, event-sourced application platform: tenants, users, sign-in, authorization and audit.',
    });

    const readinessChecks: HealthCheck[] = [
      { name: 'database', check: () => options.db.app.ping() },
      {
        name: 'migrations',
        check: async () => {
          const client = await options.db.system.pool.connect();
          try {
            const pending = (await migrationStatus(client)).filter((m) => m.state !== 'applied');
            if (pending.length > 0) throw new Error(`${pending.length} migration(s) not applied: ${pending.map((p) => p.name).join(', ')}`);
          } finally {
            client.release();
          }
        },
      },
      ...(options.extraReadinessChecks ?? []),
      ...modules.flatMap((m) => m.healthChecks?.(context) ?? []),
    ];
    registerOpsRoutes(http, { metrics, readinessChecks: () => readinessChecks, isShuttingDown: () => shuttingDown });

    for (const module of modules) {
      await http.register(async (scope) => module.register(scope as HttpServer, context), { prefix: '/api/v1' });
      if (module.registerRoot) await http.register(async (scope) => module.registerRoot?.(scope as HttpServer, context));
    }
    await http.ready();
  } catch (error) {
    await http.close().catch(() => undefined);
    await Promise.all(runners.map((runner) => runner.stop())).catch(() => undefined);
    await stopModules().catch(() => undefined);
    throw error;
  }

  return {
    http,
    context,
    async startBackground() {
      for (const module of modules) await module.start?.(context);
      for (const runner of runners) await runner.start();
    },
    /** Safe to call when startBackground never ran or failed part-way (every failure path of a start calls it). */
    async stopBackground() {
      await Promise.all(runners.map((runner) => runner.stop()));
      await stopModules();
    },
    markShuttingDown: () => { shuttingDown = true; },
  };
}
