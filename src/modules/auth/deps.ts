import type { Principal } from '../../framework/http/index.ts';
import type { ResourceRef } from '../../framework/module.ts';
import { BlockList, isIP } from 'node:net';
import { PLATFORM_TENANT_ID, type Database } from '../../framework/db/index.ts';
import type { EventContext, EventStore } from '../../framework/eventstore/index.ts';
import type { Translations } from '../../framework/i18n/index.ts';
import type { Logger } from '../../framework/observability/index.ts';
import { PLATFORM_POLICY, durationSeconds, type AuthDirectory, type AuthTenant, type AuthUser, type SecurityPolicy } from './directory.ts';
import type { KeyStore } from './keys/keystore.ts';
import type { AuthOutbox } from './mail.ts';
import type { PasswordHasher } from './passwords/hasher.ts';
import type { RevocationSet } from './sessions/revocations.ts';
import type { ThrottleSettings } from './throttle.ts';

/** Everything the auth flows use, built once by the module. */
export type AuthDeps = {
  db: Database;
  events: EventStore;
  directory: AuthDirectory;
  hasher: PasswordHasher;
  keys: KeyStore;
  revoked: RevocationSet;
  throttle: ThrottleSettings;
  /** The platform's mail outbox: flows queue their mails in the transaction that issues the token. */
  outbox: AuthOutbox;
  translations: Translations;
  logger: Logger;
  settings: AuthSettings;
  users: UserCache;
  /** Effective permissions: the access module's when it runs, else the built-in role table. */
  permissionsOf: (principal: Principal) => readonly string[];
  /**
   * Whether the principal may use a permission on one resource, scopes included (`own` or `any`):
   * the access module's decision when it runs, else the built-in role table, where only admins
   * act on other users' resources.
   */
  allows: (principal: Principal, permission: string, resource: ResourceRef) => boolean;
  /** Counts a sign-in attempt by outcome (`acci_auth_logins_total`). */
  countLogin: (outcome: 'succeeded' | 'failed' | 'mfa_required') => void;
};

export type AuthSettings = {
  accessTokenTtlSeconds: number;
  /** A rotated refresh token presented again within this window is refused without revoking the family. */
  refreshReuseGraceMs: number;
  passwordResetTtlSeconds: number;
  emailConfirmationTtlSeconds: number;
  /** Base of links in mails (`PUBLIC_URL`). */
  publicUrl: string;
};

/** The platform tenant as the auth flows see it: system admins sign in here. */
export const PLATFORM_TENANT: AuthTenant = {
  tenantId: PLATFORM_TENANT_ID,
  slug: 'platform',
  name: 'Platform',
  status: 'active',
  settings: { allowedAuthMethods: ['password'], features: [], customDomain: null, securityPolicy: PLATFORM_POLICY },
};

export const sessionTimeoutSeconds = (policy: SecurityPolicy): number => durationSeconds(policy.sessionTimeout) ?? 8 * 3600;

const blockLists = new Map<string, BlockList>();
/** Whether `ip` lies in one of the CIDR ranges (empty list = any address). */
export function ipAllowed(ip: string, ranges: readonly string[]): boolean {
  if (ranges.length === 0) return true;
  const key = ranges.join(',');
  let list = blockLists.get(key);
  if (!list) {
    list = new BlockList();
    for (const range of ranges) {
      const [net, bits] = range.split('/');
      const type = isIP(net ?? '') === 6 ? 'ipv6' : 'ipv4';
      if (net && isIP(net)) list.addSubnet(net, bits === undefined ? (type === 'ipv6' ? 128 : 32) : Number(bits), type);
    }
    if (blockLists.size > 1_000) blockLists.clear();
    blockLists.set(key, list);
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  return isIP(address) !== 0 && list.check(address, type);
}

export const eventContext = (tenantId: string, correlationId: string, userId: string | null = null): EventContext => ({ tenantId, correlationId, userId });

/**
 * A short-lived per-process cache of users and tenants for the hot paths (`/auth/me`, refresh,
 * the tenant of a sign-in): entries live `ttlMs` (1 s by default), so a profile change or a
 * tenant suspension shows within a second and the database sees at most one lookup per key per
 * second. A sign-in always reads the user itself fresh.
 */
export type UserCache = {
  user: (tenantId: string, userId: string) => Promise<AuthUser | null>;
  tenant: (tenantId: string) => Promise<AuthTenant | null>;
  /** A tenant by slug or custom domain (sign-in), cached like the others. */
  tenantBy: (ref: { slug: string } | { customDomain: string }) => Promise<AuthTenant | null>;
  forget: (tenantId: string, userId: string) => void;
  /**
   * The cached user or tenant without a promise when it is fresh and loaded (`undefined`
   * otherwise): the authenticator's hot path, which runs on every request.
   */
  peekUser: (tenantId: string, userId: string) => AuthUser | null | undefined;
  peekTenant: (tenantId: string) => AuthTenant | null | undefined;
};

export function createUserCache(directory: AuthDirectory, ttlMs = 1_000): UserCache {
  type Entry<T> = { at: number; value: Promise<T>; loaded: boolean; result?: T };
  const users = new Map<string, Entry<AuthUser | null>>();
  const tenants = new Map<string, Entry<AuthTenant | null>>();
  function cached<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = map.get(key);
    if (hit && now - hit.at < ttlMs) return hit.value;
    if (map.size > 50_000) map.clear();
    const value = load();
    const entry: Entry<T> = { at: now, value, loaded: false };
    map.set(key, entry);
    value.then((result) => { entry.loaded = true; entry.result = result; }, () => map.delete(key));
    return value;
  }
  function peek<T>(map: Map<string, Entry<T>>, key: string): T | undefined {
    const hit = map.get(key);
    return hit?.loaded && Date.now() - hit.at < ttlMs ? hit.result : undefined;
  }
  return {
    user: (tenantId, userId) => cached(users, `${tenantId}/${userId}`, () => directory.getUser(tenantId, userId)),
    tenant: (tenantId) => tenantId === PLATFORM_TENANT_ID ? Promise.resolve(PLATFORM_TENANT) : cached(tenants, tenantId, () => directory.findTenant({ id: tenantId })),
    tenantBy: (ref) => cached(tenants, 'slug' in ref ? `slug:${ref.slug}` : `domain:${ref.customDomain}`, () => directory.findTenant(ref)),
    forget: (tenantId, userId) => { users.delete(`${tenantId}/${userId}`); },
    peekUser: (tenantId, userId) => peek(users, `${tenantId}/${userId}`),
    peekTenant: (tenantId) => (tenantId === PLATFORM_TENANT_ID ? PLATFORM_TENANT : peek(tenants, tenantId)),
  };
}
