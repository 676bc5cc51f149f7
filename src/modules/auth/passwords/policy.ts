import { authErrors } from '../errors.ts';
import { hasTooLittleVariety, isCommonPassword, visiblePassword } from './common.ts';

export { commonPasswords, hasTooLittleVariety, isCommonPassword, normalizePassword, visiblePassword } from './common.ts';

/** The password rules of a tenant (seed 001 PasswordPolicy; the minimum from securityPolicy). */
export type PasswordPolicy = {
  minLength: number;
  maxLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumbers: boolean;
  requireSpecial: boolean;
};

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minLength: 8,
  maxLength: 128,
  requireUppercase: true,
  requireLowercase: true,
  requireNumbers: true,
  requireSpecial: true,
};

/** The tenant's policy: its `passwordMinLength`, the seed's character classes. */
export const policyForTenant = (passwordMinLength: number): PasswordPolicy => ({ ...DEFAULT_PASSWORD_POLICY, minLength: passwordMinLength });

/**
 * Throws a localized 400 for the first rule the password breaks.
 *
 * @example
 *   assertPasswordAllowed('Tr0ub4dor&3-horse', policyForTenant(12));
 */
export function assertPasswordAllowed(password: string, policy: PasswordPolicy): void {
  // The minimum and the classes judge what a reader sees; the maximum bounds what is hashed.
  const visible = visiblePassword(password);
  if ([...visible].length < policy.minLength) throw authErrors.passwordTooShort(policy.minLength);
  if ([...password].length > policy.maxLength) throw authErrors.passwordTooLong(policy.maxLength);
  if (policy.requireUppercase && !/\p{Lu}/u.test(visible)) throw authErrors.passwordMissingClass('uppercase');
  if (policy.requireLowercase && !/\p{Ll}/u.test(visible)) throw authErrors.passwordMissingClass('lowercase');
  if (policy.requireNumbers && !/\p{Nd}/u.test(visible)) throw authErrors.passwordMissingClass('number');
  if (policy.requireSpecial && !/[^\p{L}\p{Nd}]/u.test(visible)) throw authErrors.passwordMissingClass('special');
  if (isCommonPassword(password) || hasTooLittleVariety(password)) throw authErrors.passwordTooCommon();
}
