import type { FastifyRequest, RouteOptions } from 'fastify';
import type { HttpServer, Principal } from '../../framework/http/index.ts';
import { accessErrors } from './errors.ts';
import { isPermission, type Permission } from './permissions.ts';
import type { PolicyEngine, ResourceAttributes } from './policy/engine.ts';

/** A route as the access module saw it at registration (the permission matrix walks these). */
export type DeclaredRoute = { method: string; url: string; permission?: Permission; public: boolean };

/** The route's declaration, checked: exactly one of a known permission or `public: true`. */
export function declarationOf(route: Pick<RouteOptions, 'method' | 'url' | 'config'>): DeclaredRoute[] {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const config = (route.config ?? {}) as { permission?: string; public?: boolean };
  const where = `${methods.join(',')} ${route.url}`;
  if (config.public === true && config.permission !== undefined) throw new Error(`route ${where} declares both public and permission "${config.permission}"`);
  if (config.public !== true && config.permission === undefined) {
    throw new Error(`route ${where} declares neither config.permission nor config.public: every route must say who may call it`);
  }
  if (config.permission !== undefined && !isPermission(config.permission)) throw new Error(`route ${where} declares unknown permission "${config.permission}"`);
  const permission = config.permission as Permission | undefined;
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
 * Throws the answer for a denied request: 401 anonymous, 404 another tenant's resource, 403 lacking
 * the permission. The query side calls it directly; routes get it through the global hook.
 *
 * @example
 *   authorizeAccess(engine, request.principal, 'users:read', { tenantId, ownerId: userId });
 */
export function authorizeAccess(engine: PolicyEngine, principal: Principal | null, permission: Permission, resource: ResourceAttributes = {}): Principal {
  if (!principal) throw accessErrors.unauthenticated();
  const decision = engine.decide(principal, permission, resource);
  if (decision === 'allow') return principal;
  if (decision === 'not_found') throw accessErrors.tenantNotFound(resource.tenantId ?? '');
  throw accessErrors.forbidden();
}

/**
 * Installs enforcement on the root instance: every route added afterwards must declare access
 * (registration fails otherwise, so the server cannot start with an unguarded route), and every
 * request is checked before its body is even parsed.
 */
export function registerEnforcement(app: HttpServer, engine: PolicyEngine, routes: DeclaredRoute[]): void {
  app.addHook('onRoute', (route) => {
    routes.push(...declarationOf(route));
  });
  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const config = request.routeOptions.config;
    if (config.public === true) return;
    const permission = config.permission;
    if (permission === undefined || !isPermission(permission)) throw accessErrors.forbidden();
    authorizeAccess(engine, request.principal, permission, resourceOf(request));
  });
}
