import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { isUuid, visibleName } from '../../framework/validation/index.ts';
import { tenantErrors } from './errors.ts';
import { RESERVED_SLUGS, type AuthMethod, type DeletionReason, type SubscriptionPlan, type TenantSettings } from './domain.ts';

/**
 * Pure validators of SPEC §3. Each either returns the normalized value or throws the catalog's
 * AppError; the deciders call them, so every command is checked whatever its entry point.
 */

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;
/** The shape of a tenant id: sign-in reads a `tenant` of this shape as an id, never as a slug. */
const CUSTOM_NAME = /^[a-z0-9][a-z0-9_-]{0,49}$/;
const PROVIDER = /^[a-z0-9][a-z0-9_.-]{0,49}$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const FEATURE = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
export const METADATA_LIMIT_BYTES = 64 * 1024;

/** @example isEmail('Ada@Example.org') // true */
export const isEmail = (value: string): boolean => value.length <= 254 && EMAIL.test(value) && !value.includes('..');

/** The form under which e-mails are compared and claimed: trimmed and lower-cased. */
export const normalizeEmail = (value: string): string => value.trim().toLowerCase();

/** Names count characters (code points), not UTF-16 units. */
export const charLength = (value: string): number => [...value].length;

/**
 * Trimmed; 3–50 characters, at least 3 of them visible, no control or format character (CR/LF,
 * zero-width characters, bidi overrides; ZWNJ/ZWJ only between two characters).
 *
 * @example validateTenantName('  Acme  ') // 'Acme'
 */
export function validateTenantName(name: string): string {
  const valid = visibleName(name, { min: 3, max: 50 });
  if (valid === null) throw tenantErrors.invalidName();
  return valid;
}

/** @example isSlug('acme-corp') // true */
export const isSlug = (slug: string): boolean => SLUG.test(slug) && !slug.includes('--');

/**
 * Slugs no tenant may take: the platform tenant's (`platform`) and any shaped like a UUID, which
 * sign-in (`tenant` = id or slug) would read as a tenant id.
 */
export const isReservedSlug = (slug: string): boolean => RESERVED_SLUGS.includes(slug) || isUuid(slug);

export function validateSlug(slug: string): string {
  if (!isSlug(slug)) throw tenantErrors.invalidSlug();
  if (isReservedSlug(slug)) throw tenantErrors.slugReserved(slug);
  return slug;
}

/**
 * A URL-safe slug from a name: `Café Crème GmbH` → `cafe-creme-gmbh`. Never a reserved one: a
 * name whose slug would be reserved gets `-tenant` appended (`Platform` → `platform-tenant`).
 */
export function slugify(name: string): string {
  const base = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/g, '');
  const slug = base.length >= 3 ? base : `${base || 'tenant'}-${Math.random().toString(36).slice(2, 8)}`.replace(/^-/, '');
  return isReservedSlug(slug) ? `${slug}-tenant` : slug;
}

/**
 * The slug to try for a tenant named `name` on the given attempt: the name's slug, then with `-2`,
 * then with a random suffix (a name's slug taken twice is likely taken again). Never reserved:
 * `slugify` avoids it, and a suffix ends the slug in a group shorter than a UUID's last one.
 */
export function derivedSlug(name: string, attempt: number): string {
  const base = slugify(name);
  if (attempt === 0) return base;
  const suffix = attempt === 1 ? '2' : Math.random().toString(36).slice(2, 8).padEnd(6, '0');
  return `${base.slice(0, 62 - suffix.length).replace(/-+$/, '')}-${suffix}`;
}

export function validatePlan(plan: string): SubscriptionPlan {
  if (plan === 'free' || plan === 'professional' || plan === 'enterprise') return plan;
  if (plan.startsWith('custom:') && CUSTOM_NAME.test(plan.slice(7))) return plan as SubscriptionPlan;
  throw tenantErrors.invalidPlan();
}

export function isAuthMethod(method: string): method is AuthMethod {
  if (method === 'password' || method === 'totp' || method === 'webauthn') return true;
  const [kind, provider, ...rest] = method.split(':');
  return rest.length === 0 && (kind === 'oidc' || kind === 'saml') && provider !== undefined && PROVIDER.test(provider);
}

/** A public DNS name: at least two labels, no localhost, no IP literal. */
export function isDomainName(value: string): boolean {
  const domain = value.toLowerCase().replace(/\.$/, '');
  if (domain.length > 253 || isIP(domain) !== 0) return false;
  const labels = domain.split('.');
  if (labels.length < 2 || labels.some((label) => !LABEL.test(label))) return false;
  const tld = labels[labels.length - 1] ?? '';
  if (/^\d+$/.test(tld)) return false;
  return domain !== 'localhost' && !domain.endsWith('.localhost') && tld !== 'localhost';
}

/**
 * The host names the platform itself answers on: the host of its public URL (`PUBLIC_URL`), in
 * the form custom domains are stored (lower case, no port, no trailing dot); none for a bad URL.
 *
 * @example platformHosts('https://ACCI.example.com:8443/') // ['acci.example.com']
 */
export function platformHosts(publicUrl: string): string[] {
  if (!URL.canParse(publicUrl)) return [];
  const host = new URL(publicUrl).hostname.replace(/\.$/, '');
  return host ? [host] : [];
}

/**
 * Refuses a custom domain the platform answers on: sign-in and forgot-password without `tenant`
 * go to the tenant owning the request's Host, so that tenant would take over the system admins'.
 *
 * @example validateDomainNotReserved('login.acme.com', ['acci.example.com']) // 'login.acme.com'
 */
export function validateDomainNotReserved(domain: string | null, reservedHosts: readonly string[]): string | null {
  if (domain !== null && reservedHosts.includes(domain)) throw tenantErrors.domainReserved(domain);
  return domain;
}

/** IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) share their first 96 bits. */
const MAPPED_PREFIX = 96;

/**
 * A CIDR range in canonical form (`10.0.0.0/8`, `2001:db8::/32`), or null. A bare address is one
 * host (`/32`, `/128`); a range with host bits set (`10.0.0.1/8`) is refused, as PostgreSQL's
 * `cidr` refuses it: it almost always means a typo in the address or the prefix.
 *
 * An IPv4-mapped range `::ffff:a.b.c.d/n` is stored as `a.b.c.d/(n-96)`: sign-in compares client
 * addresses in IPv4 form, so a range kept in IPv6 form would match nobody on every runtime that
 * does not map them itself. With n < 96 the bits `ffff` fall in the host part, so it is refused.
 */
export function normalizeCidr(value: string): string | null {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined) return null;
  const family = isIP(address);
  if (family === 0 || address.includes('%')) return null;
  const max = family === 4 ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return null;
  const bits = prefix === undefined ? max : Number(prefix);
  if (bits > max) return null;
  const parsed = ipaddr.parse(address);
  if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress() && bits >= MAPPED_PREFIX) {
    return normalizeCidr(`${parsed.toIPv4Address().toString()}/${bits - MAPPED_PREFIX}`);
  }
  const network = family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(`${address}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${address}/${bits}`);
  if (network.toString() !== parsed.toString()) return null;
  return `${parsed.toString()}/${bits}`;
}

export const isCidr = (value: string): boolean => normalizeCidr(value) !== null;

const DURATION = /^P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?)?$/;

/** Seconds of an ISO-8601 duration made of weeks, days, hours, minutes, seconds; null otherwise. */
export function durationSeconds(value: string): number | null {
  const match = DURATION.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) return null;
  const [, w, d, h, m, s] = match.map((part) => Number(part ?? 0));
  return (w ?? 0) * 604_800 + (d ?? 0) * 86_400 + (h ?? 0) * 3_600 + (m ?? 0) * 60 + (s ?? 0);
}

export function validateSettings(settings: TenantSettings): TenantSettings {
  const methods = settings.allowedAuthMethods;
  if (methods.length < 1 || methods.some((m) => !isAuthMethod(m)) || new Set(methods).size !== methods.length) {
    throw tenantErrors.invalidSettings('settings.allowedAuthMethods');
  }
  if (!Number.isInteger(settings.maxUsers) || settings.maxUsers < 1 || settings.maxUsers > 1_000_000) {
    throw tenantErrors.invalidSettings('settings.maxUsers');
  }
  if (settings.features.length > 100 || settings.features.some((f) => !FEATURE.test(f))) {
    throw tenantErrors.invalidSettings('settings.features');
  }
  // Checked as given (one trailing dot allowed), then stored without it: stripping first let
  // `example.com..` through as `example.com.`.
  if (settings.customDomain && !isDomainName(settings.customDomain)) throw tenantErrors.invalidSettings('settings.customDomain');
  const customDomain = settings.customDomain ? settings.customDomain.toLowerCase().replace(/\.$/, '') : null;
  const policy = settings.securityPolicy;
  const inRange = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
  if (!inRange(policy.passwordMinLength, 8, 128)) throw tenantErrors.invalidSettings('settings.securityPolicy.passwordMinLength');
  if (!inRange(policy.maxLoginAttempts, 0, 10)) throw tenantErrors.invalidSettings('settings.securityPolicy.maxLoginAttempts');
  const timeout = durationSeconds(policy.sessionTimeout);
  if (timeout === null || timeout < 60 || timeout > 86_400) throw tenantErrors.invalidSettings('settings.securityPolicy.sessionTimeout');
  const ranges = policy.allowedIpRanges.map(normalizeCidr);
  if (ranges.length > 100 || ranges.some((range) => range === null)) {
    throw tenantErrors.invalidSettings('settings.securityPolicy.allowedIpRanges');
  }
  return {
    ...settings, features: [...new Set(settings.features)].sort(), customDomain,
    securityPolicy: { ...policy, allowedIpRanges: [...new Set(ranges as string[])] },
  };
}

/** Byte size of metadata as stored (JSON, UTF-8). */
export const metadataBytes = (metadata: unknown): number => Buffer.byteLength(JSON.stringify(metadata ?? {}), 'utf8');

export function validateTenantMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  if (metadataBytes(metadata) > METADATA_LIMIT_BYTES) throw tenantErrors.metadataTooLarge();
  return metadata;
}

export function validateAdminEmail(email: string): string {
  const normalized = email.trim();
  if (!isEmail(normalized)) throw tenantErrors.invalidEmail();
  return normalized;
}

/** @example validateRetention('P90D') // 'P90D' (P30D–P365D in whole days or weeks) */
export function validateRetention(period: string): string {
  const seconds = durationSeconds(period);
  if (seconds === null || seconds % 86_400 !== 0 || seconds < 30 * 86_400 || seconds > 365 * 86_400) {
    throw tenantErrors.invalidRetentionPeriod();
  }
  return period;
}

/**
 * An `other:<text>` reason (deletion, deactivation): the text shows something and hides nothing
 * (see `visibleName`), at most 500 characters in all.
 */
export const isOtherReason = (reason: string): boolean =>
  reason.startsWith('other:') && visibleName(reason.slice(6), { min: 1, max: 500 - 6 }) !== null;

export function validateDeletionReason(reason: string): DeletionReason {
  if (reason === 'user_requested' || reason === 'violation' || reason === 'inactive') return reason;
  if (isOtherReason(reason)) return reason as DeletionReason;
  throw tenantErrors.invalidDeletionReason();
}
