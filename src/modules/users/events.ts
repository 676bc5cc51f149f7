import type { Language } from '../../framework/i18n/index.ts';
import type { DeactivationReason, DeactivationType, RegistrationSource, UserRole, UserStatus } from './domain.ts';

/** Events of the user stream `user-<userId>` (appended in the user's tenant). */
export type UserRegistered = {
  type: 'user.registered';
  data: {
    userId: string;
    tenantId: string;
    email: string;
    role: UserRole;
    displayName: string | null;
    metadata: Record<string, unknown>;
    registrationSource: RegistrationSource;
    /** `invited` until the invitation is accepted; `active` for self-service, SSO and system admins. */
    status: 'invited' | 'active';
    /** Self-service only: unless the address is confirmed by then, the registration expires. */
    confirmBy?: string;
  };
};

export type UserProfileField = 'email' | 'displayName' | 'role' | 'metadata';

export type UserProfileUpdated = {
  type: 'user.profile_updated';
  data: {
    userId: string;
    tenantId: string;
    email?: string;
    displayName?: string;
    role?: UserRole;
    metadata?: Record<string, unknown>;
    updatedFields: UserProfileField[];
    /** When `email` changed: the instant the cooldown counts from. */
    emailChangedAt?: string;
    /** When `email` changed: the language the change was asked in, for the confirmation mail. */
    mailLanguage?: Language;
  };
};

export type UserDeactivated = {
  type: 'user.deactivated';
  data: {
    userId: string;
    tenantId: string;
    reason: DeactivationReason;
    deactivationType: DeactivationType;
    reactivationDate: string | null;
    previousStatus: Exclude<UserStatus, 'deactivated'>;
  };
};

export type UserReactivated = {
  type: 'user.reactivated';
  data: { userId: string; tenantId: string; status: Exclude<UserStatus, 'deactivated'>; automatic: boolean };
};

export type UserInvitationAccepted = { type: 'user.invitation_accepted'; data: { userId: string; tenantId: string } };
export type UserEmailConfirmed = { type: 'user.email_confirmed'; data: { userId: string; tenantId: string; email: string } };

/**
 * A self-service registration not confirmed by its `confirmBy`: its address is free again. A
 * `user.deactivated` (permanent) follows in the same append, so the user holds no seat and no
 * longer counts as active.
 */
export type UserRegistrationExpired = {
  type: 'user.registration_expired';
  data: { userId: string; tenantId: string; email: string; reason: 'email_not_confirmed'; confirmBy: string };
};

export type UserEvent =
  | UserRegistered | UserProfileUpdated | UserDeactivated | UserReactivated | UserInvitationAccepted | UserEmailConfirmed | UserRegistrationExpired;

export const USER_EVENT_TYPES: readonly UserEvent['type'][] = [
  'user.registered', 'user.profile_updated', 'user.deactivated', 'user.reactivated', 'user.invitation_accepted', 'user.email_confirmed',
  'user.registration_expired',
];

export const userStreamId = (userId: string): string => `user-${userId}`;
