/**
 * What the auth module needs to know about tenants and users. The tenants/users modules own that
 * data; `directory-users.ts` adapts their exported functions to this shape, so auth never reads
 * their tables.
 */
import type { Queryable } from '../../framework/db/index.ts';

export type TenantStatus = 'active' | 'suspended' | 'deleted';
export type UserStatus = 'invited' | 'active' | 'locked' | 'deactivated';

export type SecurityPolicy = {
  passwordMinLength: number;
  requireMfa: boolean;
  maxLoginAttempts: number;
  /** ISO-8601 duration, PT1M–PT24H. */
  sessionTimeout: string;
  allowedIpRanges: readonly string[];
};

export type AuthTenant = {
  tenantId: string;
  slug: string;
  name: string;
  status: TenantStatus;
  settings: {
    allowedAuthMethods: readonly string[];
    features: readonly string[];
    customDomain: string | null;
    securityPolicy: SecurityPolicy;
  };
};

/** The public view of a user (the users module's `User`). */
export type AuthUser = {
  /** Same as `userId` (the API's `id`). */
  id: string;
  userId: string;
  tenantId: string;
  email: string;
  displayName: string | null;
  role: string;
  status: UserStatus;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  lastLogin: string | null;
  /** False only for self-registered users who have not confirmed their address yet. */
  emailConfirmed?: boolean;
};

export type TenantRef = { id: string } | { slug: string } | { customDomain: string };

export type AuthDirectory = {
  findTenant: (ref: TenantRef) => Promise<AuthTenant | null>;
  /** The user with this e-mail (case-insensitive) in the tenant, whatever its status, with `emailConfirmed`. */
  findUserByEmail: (tenantId: string, email: string) => Promise<AuthUser | null>;
  getUser: (tenantId: string, userId: string) => Promise<AuthUser | null>;
  /** The tenant an invitation token belongs to (its prefix), without consuming it; null when malformed. */
  invitationTenant: (token: string) => string | null;
  /** Whether an invitation token is known, unused and unexpired, without consuming it. */
  invitationPending: (token: string) => Promise<boolean>;
  /**
   * Consumes an invitation token (users module): the invited user becomes active. Throws when
   * invalid. `within` runs in the same transaction (the password is stored there: all or nothing).
   */
  acceptInvitation: (token: string, context: { correlationId: string }, within?: WithinTransaction) => Promise<{ tenantId: string; userId: string }>;
  /** Marks the user's e-mail address confirmed (users module, `user.email_confirmed`). */
  confirmEmail: (tenantId: string, userId: string, context: { correlationId: string }) => Promise<void>;
  /**
   * Self-service registration (users module enforces whether the tenant allows it and maxUsers).
   * Unless confirmed within `confirmWithinSeconds`, it expires: deactivated, its seat and address freed.
   */
  registerSelfService: (
    input: { tenantId: string; email: string; displayName: string | null; confirmWithinSeconds?: number },
    context: { correlationId: string },
    within?: WithinTransaction,
  ) => Promise<AuthUser>;
};

/** More writes in the directory's own transaction, given the user it registers or activates. */
export type WithinTransaction = (tx: Queryable, userId: string) => Promise<void>;

/** The platform tenant: where system admins live. Not a tenant record; its policy is fixed here. */
export const PLATFORM_POLICY: SecurityPolicy = {
  passwordMinLength: 12,
  requireMfa: false,
  maxLoginAttempts: 5,
  sessionTimeout: 'PT8H',
  allowedIpRanges: [],
};

/** Seconds of an ISO-8601 duration with hours, minutes and seconds (`PT8H`, `PT30M`); null otherwise. */
export function durationSeconds(duration: string): number | null {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration);
  if (!match || duration === 'PT') return null;
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}
