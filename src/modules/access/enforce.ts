import type { FastifyRequest, RouteOptions } from 'fastify';
import type { HttpServer, Principal } from '../../framework/http/index.ts';
import { assertAllowed } from './authorize.ts';
import { CORE_CATALOG, type PermissionCatalog } from './catalog.ts';
import { accessErrors } from './errors.ts';
import type { PolicyEngine, ResourceAttributes } from './policy/engine.ts';

/** A route as the access module saw it at registration (the permission matrix walks these). */
export type DeclaredRoute = { method: string; url: string; permission?: string; public: boolean };

/** The route's declaration, checked: exactly one of a known permission or `public: true`. */
export function declarationOf(route: Pick<RouteOptions, 'method' | 'url' | 'config'>, catalog: PermissionCatalog = CORE_CATALOG): DeclaredRoute[] {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const config = (route.config ?? {}) as { permission?: string; public?: boolean };
  const where = `${methods.join(',')} ${route.url}`;
  if (config.public === true && config.permission !== undefined) throw new Error(`route ${where} declares both public and permission "${config.permission}"`);
  if (config.public !== true && config.permission === undefined) {
    throw new Error(`route ${where} declares neither config.permission nor config.public: every route must say who may call it`);
  }
  if (config.permission !== undefined && !catalog.has(config.permission)) throw new Error(`route ${where} declares unknown permission "${config.permission}"`);
  const permission = config.permission;
  return methods.map((method) => ({ method, url: route.url, public: config.public === true, ...(permission ? { permission } : {}) }));
}

/** The resource a request touches, read from its path parameters. */
export function resourceOf(request: FastifyRequest): ResourceAttributes {
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  const resource: ResourceAttributes = {};
  if (params.tenantId !== undefined) resource.tenantId = params.tenantId;
  if (params.userId !== undefined) resource.ownerId = params.userId;
  return resource;
}

/**
 * Installs enforcement on the root instance: every route added afterwards must declare access
 * (`ready()` fails otherwise, naming each route, so the server cannot start with an unguarded
 * route), and every request is checked before its body is even parsed.
 */
export function registerEnforcement(
  app: HttpServer,
  engine: PolicyEngine,
  routes: DeclaredRoute[],
  /** Runs once a guarded request is allowed (quotas); may throw or return a promise. */
  afterAllowed?: (request: FastifyRequest, principal: Principal) => Promise<void> | void,
): void {
  // Checked once every onRoute hook has run (a plugin may still complete a route's config).
  const seen: Pick<RouteOptions, 'method' | 'url' | 'config'>[] = [];
  app.addHook('onRoute', (route) => {
    seen.push(route);
  });
  app.addHook('onReady', async () => {
    const problems: string[] = [];
    for (const route of seen.splice(0)) {
      try {
        routes.push(...declarationOf(route, engine.catalog));
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (problems.length > 0) throw new Error(`access: ${problems.join('; ')}`);
  });
  // Callback style: no promise per request on the hot path.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.is404) return done();
    const config = request.routeOptions.config;
    if (config.public === true) return done();
    const permission = config.permission;
    let pending: Promise<void> | void;
    try {
      if (permission === undefined || !engine.catalog.has(permission)) throw accessErrors.forbidden();
      const principal = assertAllowed(engine, request.principal, permission, resourceOf(request));
      pending = afterAllowed?.(request, principal);
    } catch (error) {
      return done(error as Error);
    }
    if (pending) pending.then(() => done(), done);
    else done();
  });
}
