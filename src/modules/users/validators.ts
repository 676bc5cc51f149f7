import { charLength, isEmail, metadataBytes, METADATA_LIMIT_BYTES, normalizeEmail } from '../tenants/index.ts';
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

export function validateDisplayName(name: string): string {
  const trimmed = name.trim();
  const length = charLength(trimmed);
  if (length < 1 || length > 100 || /\p{Cc}/u.test(trimmed)) throw userErrors.invalidDisplayName();
  return trimmed;
}

export function validateUserMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  if (metadataBytes(metadata) > METADATA_LIMIT_BYTES) throw userErrors.invalidMetadata();
  return metadata;
}

export function validateDeactivationReason(reason: string): DeactivationReason {
  if (reason === 'user_requested' || reason === 'admin_action' || reason === 'security_violation' || reason === 'inactive') return reason;
  if (reason.startsWith('other:') && charLength(reason.slice(6).trim()) >= 1 && charLength(reason) <= 500) return reason as DeactivationReason;
  throw userErrors.invalidDeactivationReason();
}

export function isDeactivationType(value: string): value is DeactivationType {
  return value === 'temporary' || value === 'permanent';
}

export function isRegistrationSource(value: string): value is RegistrationSource {
  if (value === 'self_service' || value === 'admin_invite' || value === 'system') return true;
  const [kind, provider, ...rest] = value.split(':');
  return rest.length === 0 && (kind === 'oidc' || kind === 'saml') && provider !== undefined && PROVIDER.test(provider);
}
