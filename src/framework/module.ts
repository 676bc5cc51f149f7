import type { Authorize, CommandBus, QueryBus, RateLimit } from './cqrs/index.ts';
import type { Database } from './db/index.ts';
import type { EventStore } from './eventstore/types.ts';
import type { Upcaster } from './eventstore/upcasters.ts';
import type { Projection } from './projections/types.ts';
import type { Authenticator, HttpServer, Principal } from './http/index.ts';
import type { Translations } from './i18n/index.ts';
import type { HealthCheck, Logger, Metrics } from './observability/index.ts';

/** The resource a permission is used on: its tenant and, when it belongs to someone, its owner. */
export type ResourceRef = { tenantId?: string; ownerId?: string };

/**
 * Everything a module receives from the platform: one object, no globals.
 * The platform builds it once per server; tests build it against a test database.
 */
export type ModuleContext = {
  db: {
    /** Runtime role: row-level security applies. Use for everything a request does. */
    app: Database;
    /** Owner role: platform work only (projections, jobs). Never hand it to request code. */
    system: Database;
  };
  logger: Logger;
  metrics: Metrics;
  translations: Translations;
  /** The event store on `db.app` (tenant-scoped), with every module's upcasters and inline projections. */
  eventStore: EventStore;
  /** Register command handlers here (`commandBus.register`); every command runs the standard middleware. */
  commandBus: CommandBus;
  /** Register query handlers over read models here. */
  queryBus: QueryBus;
  /**
   * Every permission a principal holds (roles, custom roles, assignments), from the module that
   * owns authorization; absent when no module provides it.
   */
  permissionsOf?: (principal: Principal) => readonly string[];
  /**
   * Whether the principal may use `permission` on one resource, scopes included: a role may hold
   * `sessions:revoke` on its own sessions only (`own`) or on everyone's in its tenant (`any`).
   * From the module that owns authorization; absent when no module provides it.
   */
  allows?: (principal: Principal, permission: string, resource: ResourceRef) => boolean;
  /**
   * Whether a tenant has defined this custom role (`custom:<name>`), so a user is never given a
   * role that grants nothing. From the module that owns authorization; absent when none does.
   */
  customRoleExists?: (tenantId: string, role: string) => boolean;
  /** The permissions every module declared (`AcciModule.permissions`), for the authorization module's catalog. */
  declaredPermissions: readonly { module: string; permissions: ModulePermissions }[];
};

/**
 * Permissions a module adds to the platform's catalog, so its routes and commands can declare them
 * and tenants can put them in custom roles.
 *
 * @example
 *   permissions: {
 *     resources: { note: ['create', 'read', 'edit', 'archive'] },
 *     policy: 'p, admin, *, note:create, any\np, user, *, note:read, any',
 *   }
 */
export type ModulePermissions = {
  /** resource → actions; permission names are `resource:action`. */
  resources: Readonly<Record<string, readonly string[]>>;
  /**
   * Default grants for the built-in roles, as lines of the policy file (`p, role, *, permission,
   * any|own`); validated together with the shipped policy, reloaded with it.
   */
  policy?: string;
};

/**
 * A bounded context plugged into the server: routes, projections, jobs.
 *
 * @example
 *   export const tenantsModule: AcciModule = { name: 'tenants', register: (app, ctx) => { ... } };
 */
export type AcciModule = {
  name: string;
  register: (app: HttpServer, context: ModuleContext) => void | Promise<void>;
  /** Permissions this module's routes and commands declare beyond the platform's own. */
  permissions?: ModulePermissions;
  /** The authorization module answers `ModuleContext.permissionsOf` with this; at most one does. */
  permissionsOf?: (context: ModuleContext) => (principal: Principal) => readonly string[];
  /** The same module answers `ModuleContext.allows`. */
  allows?: (context: ModuleContext) => NonNullable<ModuleContext['allows']>;
  /** The same module answers `ModuleContext.customRoleExists`. */
  customRoleExists?: (context: ModuleContext) => NonNullable<ModuleContext['customRoleExists']>;
  /** Routes outside `/api/v1` (e.g. `/.well-known/jwks.json`); registered on the root server. */
  registerRoot?: (app: HttpServer, context: ModuleContext) => void | Promise<void>;
  /** Starts background work (projection runners, jobs) once the server listens. */
  start?: (context: ModuleContext) => void | Promise<void>;
  /** Stops that work during graceful shutdown, before the pools close. */
  stop?: () => void | Promise<void>;
  healthChecks?: (context: ModuleContext) => HealthCheck[];
  /** Asynchronous projections: the platform runs one active runner per projection across instances. */
  projections?: readonly Projection[];
  /** Projections applied inside the append transaction (read-your-writes for the same request). */
  inlineProjections?: readonly Projection[];
  /** Raise old event schema versions on every read. */
  upcasters?: readonly Upcaster[];
  /**
   * Cross-cutting HTTP infrastructure (authorization enforcement, rate limits) registered on the
   * root instance before any route, so its hooks see every route of every module.
   */
  global?: (app: HttpServer, context: ModuleContext) => void | Promise<void>;
  /** The module that knows how callers prove who they are (auth) provides this; at most one does. */
  authenticator?: (context: ModuleContext) => Authenticator;
  /** The access-control module provides the buses' `authorize(principal, request)`; at most one does. */
  authorizer?: (context: ModuleContext) => Authorize;
  /** The module that limits command rates provides this; at most one does. */
  rateLimiter?: (context: ModuleContext) => RateLimit;
};
