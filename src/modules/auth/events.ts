import type { NewEvent } from '../../framework/eventstore/index.ts';

/** Where the client called from (seed 001 DeviceInfo, ip_address). */
export type DeviceInfo = { userAgent: string | null };

export type LoginFailureReason =
  | 'invalid_credentials' | 'account_locked' | 'account_disabled' | 'tenant_suspended' | 'tenant_deleted'
  | 'ip_not_allowed' | 'too_many_attempts' | 'email_not_confirmed' | 'auth_method_not_allowed';

export type LogoutType = 'user' | 'admin' | 'security';

/**
 * The events of the auth module. Streams: `credentials-<userId>` (password changes),
 * `session-<sessionId>` (one sign-in: success, logout, revocation, token reuse) and
 * `login-<attemptId>` (one failed attempt). Secrets (hashes, tokens) never appear in events.
 */
export type AuthEvent =
  | NewEvent<'user.password_changed', { userId: string; tenantId: string; reason: 'set' | 'reset' | 'changed' | 'rehashed'; changedAt: string }>
  | NewEvent<'auth.login_succeeded', {
    userId: string; tenantId: string; sessionId: string; loginTimestamp: string; authMethod: 'password';
    deviceInfo: DeviceInfo; ipAddress: string; expiresAt: string;
  }>
  | NewEvent<'auth.login_failed', {
    userId: string | null; tenantId: string | null; failureReason: LoginFailureReason; authMethod: 'password';
    deviceInfo: DeviceInfo; ipAddress: string; attemptTimestamp: string;
  }>
  | NewEvent<'auth.logout', { userId: string; tenantId: string; sessionId: string; logoutType: LogoutType; logoutTimestamp: string }>
  | NewEvent<'auth.session_revoked', { userId: string; tenantId: string; sessionId: string; revokedBy: string | null; reason: string; revokedAt: string }>
  | NewEvent<'auth.token_reuse_detected', { userId: string; tenantId: string; sessionId: string; ipAddress: string; deviceInfo: DeviceInfo; detectedAt: string }>;

export const credentialsStream = (userId: string) => `credentials-${userId}`;
export const sessionStream = (sessionId: string) => `session-${sessionId}`;
export const loginAttemptStream = (attemptId: string) => `login-${attemptId}`;
