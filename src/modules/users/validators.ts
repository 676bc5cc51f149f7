import { parseRfc3339, visibleName } from '../../framework/validation/index.ts';
import { isEmail, isOtherReason, metadataBytes, METADATA_LIMIT_BYTES, normalizeEmail } from '../tenants/index.ts';
import { userErrors } from './errors.ts';
import type { DeactivationReason, DeactivationType, RegistrationSource, UserRole } from './domain.ts';

const CUSTOM_NAME = /^[a-z0-9][a-z0-9_-]{0,49}$/;
const PROVIDER = /^[a-z0-9][a-z0-9_.-]{0,49}$/;

/** @example validateEmail(' Ada@Example.org ') // 'Ada@Example.org' */
export function validateEmail(email: string): string {
  const trimmed = email.trim();
  if (!isEmail(trimmed)) throw userErrors.invalidEmail();
  return trimmed;
}

export { normalizeEmail };

/** Roles a caller may assign; `system_admin` exists only in the platform tenant and is never assignable. */
export function validateRole(role: string): UserRole {
  if (role === 'admin' || role === 'user' || role === 'read_only') return role;
  if (role.startsWith('custom:') && CUSTOM_NAME.test(role.slice(7))) return role as UserRole;
  throw userErrors.invalidRole();
}

/**
 * Trimmed; 1–100 characters, at least one visible, no control or format character (CR/LF,
 * zero-width characters, bidi overrides; ZWNJ/ZWJ only between two characters).
 *
 * @example validateDisplayName(' Ada ') // 'Ada'
 */
export function validateDisplayName(name: string): string {
  const valid = visibleName(name, { min: 1, max: 100 });
  if (valid === null) throw userErrors.invalidDisplayName();
  return valid;
}

export function validateUserMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  if (metadataBytes(metadata) > METADATA_LIMIT_BYTES) throw userErrors.invalidMetadata();
  return metadata;
}

export function validateDeactivationReason(reason: string): DeactivationReason {
  if (reason === 'user_requested' || reason === 'admin_action' || reason === 'security_violation' || reason === 'inactive') return reason;
  if (isOtherReason(reason)) return reason as DeactivationReason;
  throw userErrors.invalidDeactivationReason();
}

/**
 * A temporary deactivation's end: an RFC 3339 date-time naming a day that exists (no roll-over of
 * `2030-02-30`), after `now`; returned in UTC (`toISOString`).
 *
 * @example validateReactivationDate('2030-03-01T00:00:00+01:00', now) // '2030-02-28T23:00:00.000Z'
 */
export function validateReactivationDate(value: string, now: Date): string {
  const at = parseRfc3339(value);
  if (at === null || at.getTime() <= now.getTime()) throw userErrors.invalidReactivationDate();
  return at.toISOString();
}

export function isDeactivationType(value: string): value is DeactivationType {
  return value === 'temporary' || value === 'permanent';
}

export function isRegistrationSource(value: string): value is RegistrationSource {
  if (value === 'self_service' || value === 'admin_invite' || value === 'system') return true;
  const [kind, provider, ...rest] = value.split(':');
  return rest.length === 0 && (kind === 'oidc' || kind === 'saml') && provider !== undefined && PROVIDER.test(provider);
}
