import { dictionary } from '@zxcvbn-ts/language-common';
import { authErrors } from '../errors.ts';

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

let common: Set<string> | undefined;
/**
 * The ~49,000 most common passwords shipped by @zxcvbn-ts/language-common, lower-cased, loaded
 * into a Set on first use.
 */
export function commonPasswords(): Set<string> {
  common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return common;
}

/** Common-password check that also sees through the usual decorations (`Password1!`, `qwerty2024`). */
export function isCommonPassword(password: string): boolean {
  const list = commonPasswords();
  const lower = password.toLowerCase();
  if (list.has(lower)) return true;
  const stripped = lower.replace(/[^a-z0-9]+$/u, '').replace(/\d+$/u, '');
  return stripped.length >= 4 && stripped !== lower && list.has(stripped);
}

/**
 * Throws a localized 400 for the first rule the password breaks.
 *
 * @example
 *   assertPasswordAllowed('Tr0ub4dor&3-horse', policyForTenant(12));
 */
export function assertPasswordAllowed(password: string, policy: PasswordPolicy): void {
  const length = [...password].length;
  if (length < policy.minLength) throw authErrors.passwordTooShort(policy.minLength);
  if (length > policy.maxLength) throw authErrors.passwordTooLong(policy.maxLength);
  if (policy.requireUppercase && !/\p{Lu}/u.test(password)) throw authErrors.passwordMissingClass('uppercase');
  if (policy.requireLowercase && !/\p{Ll}/u.test(password)) throw authErrors.passwordMissingClass('lowercase');
  if (policy.requireNumbers && !/\p{Nd}/u.test(password)) throw authErrors.passwordMissingClass('number');
  if (policy.requireSpecial && !/[^\p{L}\p{Nd}]/u.test(password)) throw authErrors.passwordMissingClass('special');
  if (isCommonPassword(password)) throw authErrors.passwordTooCommon();
}
