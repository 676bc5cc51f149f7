import type { Language } from '../../framework/i18n/index.ts';
import { EMAIL_CHANGE_COOLDOWN_MS, REGISTRATION_EXPIRED, isAdminRole, type DeactivationType, type RegistrationSource, type UserRole, type UserStatus } from './domain.ts';
import { userErrors } from './errors.ts';
import type { UserEvent, UserProfileField, UserProfileUpdated } from './events.ts';
import {
  isDeactivationType, normalizeEmail, validateDeactivationReason, validateDisplayName, validateEmail, validateReactivationDate, validateRole,
  validateUserMetadata,
} from './validators.ts';
import { tenantErrors } from '../tenants/index.ts';

export type UserData = {
  userId: string;
  tenantId: string;
  email: string;
  role: UserRole;
  displayName: string | null;
  metadata: Record<string, unknown>;
  emailChangedAt: string | null;
  emailConfirmed: boolean;
  /**
   * A self-service registration awaiting its first confirmation expires then. Confirmation, a
   * password reset (which confirms) or an admin's change or deactivation clears it: the user stays.
   */
  confirmBy: string | null;
};

export type UserState =
  | { status: 'none' }
  | { status: Exclude<UserStatus, 'deactivated'>; user: UserData }
  | {
      status: 'deactivated';
      user: UserData;
      previousStatus: Exclude<UserStatus, 'deactivated'>;
      deactivationType: DeactivationType;
      reactivationDate: string | null;
    };

/** What the handler reads about the tenant, under the tenant's counter lock. */
export type TenantContext = {
  status: 'active' | 'suspended' | 'deleted' | 'none';
  allowsSelfService: boolean;
  seatLimit: number;
  /** Users holding a seat (not deactivated). */
  seats: number;
  /** Admins (admin or system_admin) who are not deactivated. */
  admins: number;
  /** Admins who are active (invited or locked ones cannot sign in): the last one cannot go. */
  activeAdmins: number;
  /**
   * System admins who are not deactivated, counted for commands in the platform tenant: the last
   * one can be neither deactivated nor demoted (unknown counts as none to spare).
   */
  systemAdmins?: number;
};

/** Whether an admin in this status is the last one, or the last active one (the tenant keeps someone who can sign in to administer it). */
const isLastAdmin = (status: UserStatus, tenant: TenantContext): boolean =>
  tenant.admins <= 1 || (status === 'active' && tenant.activeAdmins <= 1);

/** Whether this user is the last system admin who can sign in (only an active one counts). */
const isLastSystemAdmin = (role: UserRole, status: UserStatus, tenant: TenantContext): boolean =>
  role === 'system_admin' && status === 'active' && (tenant.systemAdmins ?? 0) <= 1;

export type UserCommand =
  | {
      type: 'register';
      userId: string;
      tenantId: string;
      email: string;
      role: string;
      displayName?: string | null;
      metadata?: Record<string, unknown>;
      registrationSource: RegistrationSource;
      tenant: TenantContext;
      /** Internal only: lets the platform create `system_admin` users. */
      allowSystemRole?: boolean;
      /** Self-service: the registration expires unless confirmed within this many seconds of `now` (both needed). */
      confirmWithinSeconds?: number;
      now?: Date;
    }
  | {
      type: 'update_profile';
      changes: { email?: string; displayName?: string; role?: string; metadata?: Record<string, unknown> };
      tenant: TenantContext;
      now: Date;
      /** The request's language: the new address's confirmation mail is written in it. */
      language?: Language;
    }
  | { type: 'deactivate'; reason: string; deactivationType: string; reactivationDate?: string | null; tenant: TenantContext; now: Date }
  | { type: 'reactivate'; tenant: TenantContext; now: Date; automatic?: boolean }
  | { type: 'accept_invitation'; tenant: TenantContext }
  | { type: 'confirm_email'; tenant: TenantContext }
  | { type: 'expire_registration'; tenant: TenantContext; now: Date };

export const initialUserState = (): UserState => ({ status: 'none' });

function requireTenantOpen(tenant: TenantContext): void {
  if (tenant.status === 'none') throw tenantErrors.notFound();
  if (tenant.status === 'deleted') throw tenantErrors.deleted();
  if (tenant.status === 'suspended') throw tenantErrors.suspended();
}

function existing(state: UserState): Exclude<UserState, { status: 'none' }> {
  if (state.status === 'none') throw userErrors.notFound();
  return state;
}

function notDeactivated(state: UserState): Exclude<UserState, { status: 'none' | 'deactivated' }> {
  const current = existing(state);
  if (current.status === 'deactivated') throw userErrors.deactivated();
  return current;
}

function decideRegister(command: Extract<UserCommand, { type: 'register' }>, state: UserState): UserEvent[] {
  if (state.status !== 'none') throw userErrors.alreadyExists();
  requireTenantOpen(command.tenant);
  const role = command.allowSystemRole && command.role === 'system_admin' ? 'system_admin' : validateRole(command.role);
  if (command.registrationSource === 'self_service' && !command.tenant.allowsSelfService) throw userErrors.selfServiceDisabled();
  if (command.tenant.seats >= command.tenant.seatLimit) throw userErrors.quotaExceeded(command.tenant.seatLimit);
  const invited = command.registrationSource === 'admin_invite';
  const confirmBy = command.registrationSource === 'self_service' && command.confirmWithinSeconds !== undefined && command.now
    ? new Date(command.now.getTime() + command.confirmWithinSeconds * 1000).toISOString() : undefined;
  return [{
    type: 'user.registered',
    data: {
      userId: command.userId,
      tenantId: command.tenantId,
      email: validateEmail(command.email),
      role,
      displayName: command.displayName == null ? null : validateDisplayName(command.displayName),
      metadata: validateUserMetadata(command.metadata ?? {}),
      registrationSource: command.registrationSource,
      status: invited ? 'invited' : 'active',
      ...(confirmBy ? { confirmBy } : {}),
    },
  }];
}

/**
 * An unconfirmed self-service registration past its deadline gives its address back and stops
 * holding a seat: it ends permanently deactivated (SPEC statuses), so nothing can bring it back
 * next to a new registration of the same address.
 */
function decideExpireRegistration(command: Extract<UserCommand, { type: 'expire_registration' }>, state: UserState): UserEvent[] {
  const current = existing(state);
  if (current.status === 'deactivated' || current.user.confirmBy === null || command.now.getTime() < Date.parse(current.user.confirmBy)) {
    throw userErrors.registrationNotExpired();
  }
  if (command.tenant.status === 'deleted') throw tenantErrors.deleted();
  const { userId, tenantId, email, confirmBy } = current.user;
  return [
    { type: 'user.registration_expired', data: { userId, tenantId, email, reason: 'email_not_confirmed', confirmBy } },
    {
      type: 'user.deactivated',
      data: { userId, tenantId, reason: REGISTRATION_EXPIRED, deactivationType: 'permanent', reactivationDate: null, previousStatus: current.status },
    },
  ];
}

function decideUpdate(command: Extract<UserCommand, { type: 'update_profile' }>, state: UserState): UserEvent[] {
  const current = notDeactivated(state);
  requireTenantOpen(command.tenant);
  const { changes } = command;
  if (changes.email === undefined && changes.displayName === undefined && changes.role === undefined && changes.metadata === undefined) {
    throw userErrors.nothingToUpdate();
  }
  const user = current.user;
  const data: UserProfileUpdated['data'] = { userId: user.userId, tenantId: user.tenantId, updatedFields: [] };
  const fields: UserProfileField[] = [];
  if (changes.email !== undefined) {
    const email = validateEmail(changes.email);
    if (email !== user.email) {
      if (user.emailChangedAt) {
        const wait = Date.parse(user.emailChangedAt) + EMAIL_CHANGE_COOLDOWN_MS - command.now.getTime();
        if (wait > 0) throw userErrors.emailChangeCooldown(Math.ceil(wait / 1000));
      }
      data.email = email;
      data.emailChangedAt = command.now.toISOString();
      if (command.language) data.mailLanguage = command.language;
      fields.push('email');
    }
  }
  if (changes.displayName !== undefined) {
    const displayName = validateDisplayName(changes.displayName);
    if (displayName !== user.displayName) { data.displayName = displayName; fields.push('displayName'); }
  }
  if (changes.role !== undefined) {
    const role = user.role === 'system_admin' && changes.role === 'system_admin' ? 'system_admin' : validateRole(changes.role);
    if (role !== user.role) {
      if (isAdminRole(user.role) && !isAdminRole(role) && isLastAdmin(current.status, command.tenant)) throw userErrors.lastAdmin();
      if (isLastSystemAdmin(user.role, current.status, command.tenant)) throw userErrors.lastAdmin();
      data.role = role;
      fields.push('role');
    }
  }
  if (changes.metadata !== undefined) {
    data.metadata = validateUserMetadata(changes.metadata);
    fields.push('metadata');
  }
  if (fields.length === 0) return [];
  data.updatedFields = fields;
  return [{ type: 'user.profile_updated', data }];
}

function decideDeactivate(command: Extract<UserCommand, { type: 'deactivate' }>, state: UserState): UserEvent[] {
  const current = existing(state);
  if (current.status === 'deactivated') throw userErrors.alreadyDeactivated();
  if (command.tenant.status === 'deleted') throw tenantErrors.deleted();
  const reason = validateDeactivationReason(command.reason);
  if (!isDeactivationType(command.deactivationType)) throw userErrors.invalidDeactivationReason();
  let reactivationDate: string | null = null;
  if (command.deactivationType === 'temporary') {
    if (!command.reactivationDate) throw userErrors.missingReactivationDate();
    reactivationDate = validateReactivationDate(command.reactivationDate, command.now);
  } else if (command.reactivationDate) {
    throw userErrors.invalidReactivationDate();
  }
  if (isAdminRole(current.user.role) && isLastAdmin(current.status, command.tenant)) throw userErrors.lastAdmin();
  if (isLastSystemAdmin(current.user.role, current.status, command.tenant)) throw userErrors.lastAdmin();
  return [{
    type: 'user.deactivated',
    data: {
      userId: current.user.userId,
      tenantId: current.user.tenantId,
      reason,
      deactivationType: command.deactivationType,
      reactivationDate,
      previousStatus: current.status,
    },
  }];
}

/**
 * Decides a user command (SPEC §3 user rules). Pure: tenant figures and the clock arrive in the command.
 *
 * @example
 *   decideUser({ type: 'accept_invitation', tenant }, invitedState) // [{ type: 'user.invitation_accepted', ... }]
 */
export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'register':
      return decideRegister(command, state);
    case 'update_profile':
      return decideUpdate(command, state);
    case 'deactivate':
      return decideDeactivate(command, state);
    case 'reactivate': {
      const current = existing(state);
      if (current.status !== 'deactivated') throw userErrors.notDeactivated();
      if (current.deactivationType === 'permanent') throw userErrors.permanentlyDeactivated();
      requireTenantOpen(command.tenant);
      if (command.tenant.seats >= command.tenant.seatLimit) throw userErrors.quotaExceeded(command.tenant.seatLimit);
      const { userId, tenantId } = current.user;
      return [{ type: 'user.reactivated', data: { userId, tenantId, status: current.previousStatus, automatic: command.automatic ?? false } }];
    }
    case 'accept_invitation': {
      const current = notDeactivated(state);
      requireTenantOpen(command.tenant);
      if (current.status !== 'invited') throw userErrors.invalidStatusTransition(current.status, 'active');
      return [{ type: 'user.invitation_accepted', data: { userId: current.user.userId, tenantId: current.user.tenantId } }];
    }
    case 'confirm_email': {
      const current = notDeactivated(state);
      if (current.user.emailConfirmed) return [];
      const { userId, tenantId, email } = current.user;
      return [{ type: 'user.email_confirmed', data: { userId, tenantId, email } }];
    }
    case 'expire_registration':
      return decideExpireRegistration(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/** Folds one user event into the state. */
export function evolveUser(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'user.registered': {
      const { registrationSource, status, confirmBy, ...rest } = event.data;
      const emailConfirmed = registrationSource !== 'self_service';
      return { status, user: { ...rest, emailChangedAt: null, emailConfirmed, confirmBy: confirmBy ?? null } };
    }
    case 'user.profile_updated': {
      if (state.status === 'none') return state;
      const { updatedFields, emailChangedAt, userId: _u, tenantId: _t, ...changes } = event.data;
      const emailChanged = updatedFields.includes('email');
      const user: UserData = {
        ...state.user,
        ...changes,
        emailChangedAt: emailChanged ? emailChangedAt ?? state.user.emailChangedAt : state.user.emailChangedAt,
        emailConfirmed: emailChanged ? false : state.user.emailConfirmed,
        confirmBy: null,
      };
      return { ...state, user };
    }
    case 'user.deactivated':
      if (state.status === 'none' || state.status === 'deactivated') return state;
      return {
        status: 'deactivated',
        user: { ...state.user, confirmBy: null },
        previousStatus: event.data.previousStatus,
        deactivationType: event.data.deactivationType,
        reactivationDate: event.data.reactivationDate,
      };
    case 'user.reactivated':
      return state.status === 'deactivated' ? { status: event.data.status, user: state.user } : state;
    case 'user.invitation_accepted':
      return state.status === 'invited' ? { ...state, status: 'active' } : state;
    case 'user.email_confirmed':
      return state.status === 'none' ? state : { ...state, user: { ...state.user, emailConfirmed: true, confirmBy: null } } as UserState;
    case 'user.registration_expired':
      return state.status === 'none' ? state : { ...state, user: { ...state.user, confirmBy: null } } as UserState;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** Seat and admin counts a user contributes; the handler applies the difference before/after. */
export function userCounts(state: UserState): { seats: number; admins: number; activeAdmins: number; activeMembers: number } {
  if (state.status === 'none' || state.status === 'deactivated') return { seats: 0, admins: 0, activeAdmins: 0, activeMembers: 0 };
  const admin = isAdminRole(state.user.role);
  const active = state.status === 'active';
  return { seats: 1, admins: admin ? 1 : 0, activeAdmins: admin && active ? 1 : 0, activeMembers: !admin && active ? 1 : 0 };
}

/**
 * The user aggregate as a decider.
 *
 * @example
 *   const state = events.reduce(userDecider.evolve, userDecider.initialState());
 */
export const userDecider = { initialState: initialUserState, decide: decideUser, evolve: evolveUser };

export { normalizeEmail };
