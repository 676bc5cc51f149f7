/** The user's vocabulary (SPEC §3). */
export type UserRole = 'admin' | 'user' | 'read_only' | 'system_admin' | `custom:${string}`;
export type UserStatus = 'invited' | 'active' | 'locked' | 'deactivated';
export type RegistrationSource = 'self_service' | 'admin_invite' | 'system' | `oidc:${string}` | `saml:${string}`;
export type DeactivationType = 'temporary' | 'permanent';
export type DeactivationReason = 'user_requested' | 'admin_action' | 'security_violation' | 'inactive' | `other:${string}`;

/** Roles that keep a tenant administrable: the last of them cannot be deactivated or demoted. */
export const isAdminRole = (role: UserRole): boolean => role === 'admin' || role === 'system_admin';

/** E-mail changes are rate-limited per user: one change per this period. */
export const EMAIL_CHANGE_COOLDOWN_MS = 24 * 60 * 60 * 1000;

/** The deactivation reason of a self-service registration that expired unconfirmed (`user.registration_expired`). */
export const REGISTRATION_EXPIRED = 'other:registration_expired' satisfies DeactivationReason;

/** Invitations expire after this long and can be used once. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The public view of a user, as the read model and other modules see it. */
export type User = {
  /** The user's id (SPEC §3 `id`); `userId` carries the same value for existing clients. */
  id: string;
  userId: string;
  tenantId: string;
  email: string;
  displayName: string | null;
  role: UserRole;
  status: UserStatus;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  lastLogin: string | null;
};
