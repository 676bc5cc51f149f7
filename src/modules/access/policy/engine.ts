import { newEnforcer, newModelFromString, type Enforcer } from 'casbin';
import type { Principal } from '../../../framework/http/index.ts';
import { CORE_CATALOG, type PermissionCatalog } from '../catalog.ts';
import { RESTRICTED_PERMISSION, SYSTEM_ADMIN_ROLE } from '../permissions.ts';
import { parsePolicy, type PolicyRule, type PolicySet } from './policy-file.ts';

/** What the policy may look at about the resource being touched. */
export type ResourceAttributes = {
  /** The tenant owning the resource; another tenant's resource is `not_found` (never `deny`). */
  tenantId?: string;
  /** The user owning the resource; `own` rules match when it is the caller. Absent = the caller's own. */
  ownerId?: string;
  /** Flagged resources also need `restricted:access`. */
  restricted?: boolean;
};

export type Decision = 'allow' | 'deny' | 'not_found';

/** A tenant's custom role: a name and a set of permissions (unconditional within the tenant). */
export type CustomRoleDefinition = { name: string; permissions: readonly string[] };

export type TenantPolicy = {
  roles: readonly CustomRoleDefinition[];
  /** Extra roles assigned to users on top of their primary role: userId → roles. */
  assignments: ReadonlyMap<string, readonly string[]>;
};

/**
 * The policy engine: Casbin (RBAC with tenant domains + an ownership matcher) over the shipped
 * policy file and each tenant's custom roles, with a decision cache cleared on every reload.
 *
 * @example
 *   const engine = await createPolicyEngine({ model, policy: readFileSync('policies/default.csv', 'utf8') });
 *   engine.decide(principal, 'users:invite', { tenantId }); // 'allow' | 'deny' | 'not_found'
 */
export type PolicyEngine = {
  decide: (principal: Principal, permission: string, resource?: ResourceAttributes) => Decision;
  /** Every permission the principal holds in its own tenant on its own resources. */
  permissionsOf: (principal: Principal) => readonly string[];
  /** The permissions routes, commands, policies and custom roles may name. */
  catalog: PermissionCatalog;
  /** Roles of a principal: primary role plus assigned ones (`system_admin` for system admins). */
  rolesOf: (principal: Principal) => string[];
  /** Validates and swaps in a new base policy; on error the old one stays and the error is thrown. */
  loadBase: (text: string, source: string) => Promise<void>;
  setTenant: (tenantId: string, policy: TenantPolicy) => Promise<void>;
  hasCustomRole: (tenantId: string, role: string) => boolean;
  /** The rules of the shipped policy (for listing built-in roles). */
  baseRules: () => readonly PolicyRule[];
  /** Incremented by every reload of the base policy (tests and logs watch it). */
  version: () => number;
};

/**
 * Decisions by domain → role → permission, one tree for the caller's own resources and one for
 * others'. Nested maps, not one joined key: joining four strings per request and hashing the
 * result cost ~0.8 µs, more than everything else a decision does.
 */
type DecisionCache = Map<string, Map<string, Map<string, boolean>>>;
type Compiled = { enforcer: Enforcer; cache: readonly [others: DecisionCache, own: DecisionCache] };
type TenantState = Compiled & { roles: ReadonlySet<string>; assignments: ReadonlyMap<string, readonly string[]> };

async function compile(model: string, set: PolicySet): Promise<Compiled> {
  const enforcer = await newEnforcer(newModelFromString(model));
  if (set.rules.length > 0) await enforcer.addPolicies(set.rules.map((r) => [...r]));
  if (set.groupings.length > 0) await enforcer.addGroupingPolicies(set.groupings.map((g) => [...g]));
  return { enforcer, cache: [new Map(), new Map()] };
}

const enforce = (compiled: Compiled, role: string, domain: string, permission: string, own: boolean): boolean =>
  compiled.enforcer.enforceSync({ role, userId: 'caller' }, domain, permission, { ownerId: own ? 'caller' : 'other' });

function check(compiled: Compiled, role: string, domain: string, permission: string, own: boolean, useCache: boolean): boolean {
  if (!useCache) return enforce(compiled, role, domain, permission, own);
  const byDomain = compiled.cache[own ? 1 : 0];
  let byRole = byDomain.get(domain);
  if (!byRole) byDomain.set(domain, (byRole = new Map()));
  let byPermission = byRole.get(role);
  if (!byPermission) byRole.set(role, (byPermission = new Map()));
  const cached = byPermission.get(permission);
  if (cached !== undefined) return cached;
  const decision = enforce(compiled, role, domain, permission, own);
  byPermission.set(permission, decision);
  return decision;
}

/**
 * What every signed-in principal holds on its own account whatever its roles, as Keycloak's
 * default roles: reading its profile, which is also what `/auth/me`, logout and its own sessions
 * need. Without it a custom role that forgot `profile:read` could not even sign out. An API key's
 * scopes still narrow it.
 */
const BASELINE: ReadonlySet<string> = new Set(['profile:read']);
const holdsBaseline = (principal: Principal, permission: string, own: boolean): boolean =>
  own && BASELINE.has(permission) && (!principal.scopes || principal.scopes.includes(permission));

/**
 * `cache: false` asks Casbin every time (the benchmark's raw figure); the default caches decisions
 * until the next reload. `catalog` adds modules' permissions and their default grants.
 */
export async function createPolicyEngine(options: { model: string; policy: string; source?: string; cache?: boolean; catalog?: PermissionCatalog }): Promise<PolicyEngine> {
  const useCache = options.cache !== false;
  const catalog = options.catalog ?? CORE_CATALOG;
  const parseBase = (text: string, source: string) => parsePolicy(text, source, catalog, catalog.policies);
  let baseSet = parseBase(options.policy, options.source ?? 'policy');
  let base = await compile(options.model, baseSet);
  const tenants = new Map<string, TenantState>();
  let version = 1;

  const rolesOf = (principal: Principal): string[] => {
    if (principal.isSystemAdmin) return [SYSTEM_ADMIN_ROLE];
    const extra = tenants.get(principal.tenantId)?.assignments.get(principal.userId);
    if (!extra || extra.length === 0) return [principal.role];
    const roles = [principal.role];
    for (const role of extra) if (role !== principal.role) roles.push(role);
    return roles;
  };

  const holds = (principal: Principal, role: string, permission: string, own: boolean): boolean => {
    if (principal.scopes && !principal.isSystemAdmin && !principal.scopes.includes(permission)) return false;
    if (role.startsWith('custom:')) {
      const tenant = tenants.get(principal.tenantId);
      return tenant !== undefined && tenant.roles.has(role) && check(tenant, role, principal.tenantId, permission, own, useCache);
    }
    return check(base, role, principal.tenantId, permission, own, useCache);
  };

  // Loops, not closures: every request decides, and under tsx each closure also pays a keepNames
  // __name() call (1.6% of /auth/me's CPU in a profile).
  const holdsAny = (principal: Principal, permission: string, own: boolean): boolean => {
    for (const role of rolesOf(principal)) if (holds(principal, role, permission, own)) return true;
    return holdsBaseline(principal, permission, own);
  };

  const computePermissions = (principal: Principal): string[] => {
    const held: string[] = [];
    for (const permission of catalog.permissions) if (holdsAny(principal, permission, true)) held.push(permission);
    return held;
  };

  // What a set of roles holds in a tenant changes only with a reload: `/auth/me` asks on every
  // call, and walking the whole catalog each time costs more than the rest of the request.
  const heldByRoles = new Map<string, Map<string, readonly string[]>>();
  const permissionsOf = (principal: Principal): readonly string[] => {
    if (principal.scopes) return computePermissions(principal);
    const roles = rolesOf(principal).join('\n');
    let byRoles = heldByRoles.get(principal.tenantId);
    if (!byRoles) heldByRoles.set(principal.tenantId, (byRoles = new Map()));
    let held = byRoles.get(roles);
    if (!held) byRoles.set(roles, (held = Object.freeze(computePermissions(principal))));
    return held;
  };

  return {
    rolesOf,
    decide(principal, permission, resource = {}) {
      if (resource.tenantId !== undefined && resource.tenantId !== principal.tenantId && !principal.isSystemAdmin) return 'not_found';
      const own = resource.ownerId === undefined || resource.ownerId === principal.userId;
      if (!holdsAny(principal, permission, own)) return 'deny';
      if (resource.restricted && !holdsAny(principal, RESTRICTED_PERMISSION, own)) return 'deny';
      return 'allow';
    },
    permissionsOf,
    catalog,
    async loadBase(text, source) {
      const set = parseBase(text, source);
      base = await compile(options.model, set);
      baseSet = set;
      heldByRoles.clear();
      version++;
    },
    async setTenant(tenantId, policy) {
      // A permission whose module is gone grants nothing (it is no longer in the catalog).
      const lines = policy.roles.flatMap((role) => role.permissions.filter(catalog.has).map((p) => `p, ${role.name}, ${tenantId}, ${p}, any`));
      const compiled = await compile(options.model, parsePolicy(lines.join('\n'), `tenant ${tenantId}`, catalog));
      tenants.set(tenantId, { ...compiled, roles: new Set(policy.roles.map((r) => r.name)), assignments: policy.assignments });
      heldByRoles.delete(tenantId);
    },
    baseRules: () => baseSet.rules,
    hasCustomRole: (tenantId, role) => tenants.get(tenantId)?.roles.has(role) ?? false,
    version: () => version,
  };
}
