import { CORE_CATALOG, type PermissionCatalog } from '../catalog.ts';
import { CUSTOM_ROLE, SYSTEM_ADMIN_ROLE, isBuiltInRole } from '../permissions.ts';

/** A permission rule: role, domain (`*` or a tenant id), permission (or `*`), condition. */
export type PolicyRule = [role: string, domain: string, permission: string, condition: Condition];
/** Role inheritance inside a domain: role, inherited role, domain. */
export type GroupingRule = [role: string, inherits: string, domain: string];
export type Condition = 'any' | 'own';
export type PolicySet = { rules: PolicyRule[]; groupings: GroupingRule[] };

/** Thrown when a policy does not validate; `problems` lists every finding with its line. */
export class PolicyValidationError extends Error {
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super(`invalid policy ${source}: ${problems.join('; ')}`);
    this.name = 'PolicyValidationError';
    this.problems = problems;
  }
}

const CONDITIONS: ReadonlySet<string> = new Set(['any', 'own']);
const isKnownRole = (role: string): boolean => role === SYSTEM_ADMIN_ROLE || isBuiltInRole(role) || CUSTOM_ROLE.test(role);

export type PolicySource = { text: string; source: string };

/**
 * Parses and validates a policy in Casbin CSV form: syntax, unknown roles, permissions outside the
 * catalog, conflicts (a platform permission granted inside tenants, one rule both conditional and
 * unconditional, wildcards outside the system admin, inheritance cycles). Several sources (the
 * shipped file plus modules' default grants) are validated as one policy.
 *
 * @example
 *   const set = parsePolicy('p, admin, *, users:invite, any', 'default.csv');
 */
export function parsePolicy(text: string, source: string, catalog: PermissionCatalog = CORE_CATALOG, more: readonly PolicySource[] = []): PolicySet {
  const problems: string[] = [];
  const rules: PolicyRule[] = [];
  const groupings: GroupingRule[] = [];
  const seen = new Map<string, Condition>();
  const lines = [{ text, source }, ...more].flatMap((part) =>
    part.text.split(/\r?\n/).map((raw, index) => ({ line: raw.trim(), at: more.length === 0 ? `line ${index + 1}` : `${part.source} line ${index + 1}` })));
  lines.forEach(({ line, at }) => {
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(',').map((f) => f.trim());
    const [kind, ...rest] = fields;
    if (kind === 'p') {
      if (rest.length !== 4 || rest.some((f) => f === '')) return void problems.push(`${at}: expected "p, role, domain, permission, condition"`);
      const [role, domain, permission, condition] = rest as [string, string, string, string];
      if (!isKnownRole(role)) problems.push(`${at}: unknown role "${role}"`);
      if (permission === '*' ? role !== SYSTEM_ADMIN_ROLE : !catalog.has(permission)) problems.push(`${at}: unknown permission "${permission}"`);
      if (!CONDITIONS.has(condition)) problems.push(`${at}: unknown condition "${condition}" (any | own)`);
      if (role !== SYSTEM_ADMIN_ROLE && catalog.isPlatformOnly(permission)) {
        problems.push(`${at}: conflict: "${permission}" is a platform permission and cannot be granted to "${role}"`);
      }
      const key = `${role}|${domain}|${permission}`;
      const previous = seen.get(key);
      if (previous !== undefined) problems.push(`${at}: conflict: "${role}" already has "${permission}" (${previous})`);
      seen.set(key, condition as Condition);
      rules.push([role, domain, permission, condition as Condition]);
    } else if (kind === 'g') {
      if (rest.length !== 3 || rest.some((f) => f === '')) return void problems.push(`${at}: expected "g, role, inherited role, domain"`);
      const [role, inherits, domain] = rest as [string, string, string];
      for (const r of [role, inherits]) if (!isKnownRole(r)) problems.push(`${at}: unknown role "${r}"`);
      if (role === SYSTEM_ADMIN_ROLE || inherits === SYSTEM_ADMIN_ROLE) problems.push(`${at}: conflict: "${SYSTEM_ADMIN_ROLE}" cannot be inherited`);
      groupings.push([role, inherits, domain]);
    } else {
      problems.push(`${at}: unknown rule type "${kind ?? ''}" (p | g)`);
    }
  });
  const cycle = findCycle(groupings);
  if (cycle) problems.push(`conflict: role inheritance cycle ${cycle.join(' -> ')}`);
  if (problems.length > 0) throw new PolicyValidationError(source, problems);
  return { rules, groupings };
}

function findCycle(groupings: readonly GroupingRule[]): string[] | undefined {
  const edges = new Map<string, string[]>();
  for (const [role, inherits, domain] of groupings) {
    const from = `${domain}/${role}`;
    edges.set(from, [...(edges.get(from) ?? []), `${domain}/${inherits}`]);
  }
  const visit = (node: string, path: string[]): string[] | undefined => {
    if (path.includes(node)) return [...path, node];
    for (const next of edges.get(node) ?? []) {
      const found = visit(next, [...path, node]);
      if (found) return found;
    }
    return undefined;
  };
  for (const node of edges.keys()) {
    const found = visit(node, []);
    if (found) return found;
  }
  return undefined;
}
