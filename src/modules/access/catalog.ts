import type { ModulePermissions } from '../../framework/module.ts';
import { PERMISSIONS, PLATFORM_PERMISSIONS, statements } from './permissions.ts';

/**
 * The permissions this server knows: the platform's own (permissions.ts) plus those declared by
 * application modules (`AcciModule.permissions`). Routes, commands, policies and custom roles may
 * only name permissions of the catalog.
 *
 * @example
 *   const catalog = createCatalog([{ module: 'notes', permissions: { resources: { note: ['create', 'read'] } } }]);
 *   catalog.has('note:create'); // true
 */
export type PermissionCatalog = {
  /** Every permission, platform first, then modules in registration order. */
  readonly permissions: readonly string[];
  has: (permission: string) => boolean;
  /** Only the system admin may hold these. */
  isPlatformOnly: (permission: string) => boolean;
  /** Default grants to built-in roles that modules ship, as policy sources. */
  readonly policies: readonly { source: string; text: string }[];
};

export type ModuleDeclaration = { module: string; permissions: ModulePermissions };

const NAME = /^[a-z][a-z0-9_-]{0,39}$/;

/** Thrown at startup when a module's declaration is malformed or collides with another one. */
export class CatalogError extends Error {
  constructor(problems: readonly string[]) {
    super(`permission catalog: ${problems.join('; ')}`);
    this.name = 'CatalogError';
  }
}

export function createCatalog(declarations: readonly ModuleDeclaration[] = []): PermissionCatalog {
  const owners = new Map<string, string>(Object.keys(statements).map((resource) => [resource, 'the platform']));
  const problems: string[] = [];
  const added: string[] = [];
  for (const { module, permissions } of declarations) {
    for (const [resource, actions] of Object.entries(permissions.resources)) {
      const owner = owners.get(resource);
      if (owner !== undefined) problems.push(`module "${module}" declares resource "${resource}", which belongs to ${owner}`);
      else if (!NAME.test(resource)) problems.push(`module "${module}" declares an invalid resource name "${resource}" (a-z, 0-9, _ and -)`);
      owners.set(resource, `module "${module}"`);
      if (actions.length === 0) problems.push(`module "${module}" declares resource "${resource}" without actions`);
      for (const action of new Set(actions)) {
        if (!NAME.test(action)) problems.push(`module "${module}" declares an invalid action "${resource}:${action}"`);
        else added.push(`${resource}:${action}`);
      }
    }
  }
  if (problems.length > 0) throw new CatalogError(problems);
  const permissions = [...PERMISSIONS, ...added];
  const known = new Set(permissions);
  return {
    permissions,
    has: (permission) => known.has(permission),
    isPlatformOnly: (permission) => PLATFORM_PERMISSIONS.has(permission as never),
    policies: declarations.filter((d) => d.permissions.policy).map((d) => ({ source: `module ${d.module}`, text: d.permissions.policy! })),
  };
}

/** The platform's own catalog, without module extensions. */
export const CORE_CATALOG: PermissionCatalog = createCatalog();
