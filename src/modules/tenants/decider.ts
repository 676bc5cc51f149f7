import type { DeletionReason, TenantData, TenantSettings, TenantSettingsPatch } from './domain.ts';
import { DEFAULT_RETENTION, mergeSettings, planLimits } from './domain.ts';
import { tenantErrors } from './errors.ts';
import type { TenantEvent, TenantUpdatedField } from './events.ts';
import {
  validateAdminEmail, validateDeletionReason, validatePlan, validateRetention, validateSettings, validateSlug,
  validateTenantMetadata, validateTenantName, durationSeconds,
} from './validators.ts';

export type { TenantData };

export type TenantState =
  | { status: 'none' }
  | { status: 'active' | 'suspended'; tenant: TenantData }
  | { status: 'deleted'; tenant: TenantData; purgeAfter: string }
  | { status: 'purged'; tenantId: string };

/**
 * Usage figures read under lock by the handler, so limits hold under concurrency. `users`: users
 * holding a seat (not deactivated), what the seat limit is enforced on. `storageBytes`: what the
 * tenant_storage projection last counted (asynchronous, may lag the newest events).
 */
export type TenantUsage = { users: number; activeNonAdminUsers: number; storageBytes: number };

export type TenantCommand =
  | {
      type: 'create';
      tenantId: string;
      name: string;
      slug: string;
      subscriptionPlan: string;
      adminEmail: string;
      metadata?: Record<string, unknown>;
      settings: TenantSettings;
    }
  | {
      type: 'update';
      changes: { name?: string; subscriptionPlan?: string; metadata?: Record<string, unknown>; settings?: TenantSettingsPatch };
      usage: TenantUsage;
    }
  | { type: 'suspend'; reason?: string | null }
  | { type: 'resume' }
  | { type: 'delete'; deletionReason: string; dataRetentionPeriod?: string; usage: TenantUsage; now: Date }
  | { type: 'purge'; now: Date };

export const initialTenantState = (): TenantState => ({ status: 'none' });

function live(state: TenantState): { status: 'active' | 'suspended'; tenant: TenantData } {
  switch (state.status) {
    case 'none':
    case 'purged':
      throw tenantErrors.notFound();
    case 'deleted':
      throw tenantErrors.deleted();
    case 'active':
    case 'suspended':
      return state;
    default: {
      const _exhaustive: never = state;
      return _exhaustive;
    }
  }
}

function decideUpdate(command: Extract<TenantCommand, { type: 'update' }>, tenant: TenantData): TenantEvent[] {
  const { changes, usage } = command;
  const data: Extract<TenantEvent, { type: 'tenant.updated' }>['data'] = { tenantId: tenant.tenantId, updatedFields: [] };
  const fields: TenantUpdatedField[] = [];
  if (changes.name !== undefined) {
    const name = validateTenantName(changes.name);
    if (name !== tenant.name) { data.name = name; fields.push('name'); }
  }
  const plan = changes.subscriptionPlan !== undefined ? validatePlan(changes.subscriptionPlan) : tenant.subscriptionPlan;
  if (plan !== tenant.subscriptionPlan) {
    const limits = planLimits(plan);
    if (usage.users > limits.maxUsers) throw tenantErrors.planLimitExceeded(plan, limits.maxUsers, usage.users);
    if (limits.storageBytes !== null && usage.storageBytes > limits.storageBytes) throw tenantErrors.planStorageExceeded(plan, limits.storageBytes, usage.storageBytes);
    data.subscriptionPlan = plan;
    fields.push('subscriptionPlan');
  }
  if (changes.metadata !== undefined) {
    data.metadata = validateTenantMetadata(changes.metadata);
    fields.push('metadata');
  }
  if (changes.settings !== undefined) {
    const settings = validateSettings(mergeSettings(tenant.settings, changes.settings));
    // A lower limit may not leave seats in use beyond it (usage is read under the gate lock).
    if (settings.maxUsers !== tenant.settings.maxUsers && settings.maxUsers < usage.users) {
      throw tenantErrors.maxUsersBelowUsage(settings.maxUsers, usage.users);
    }
    data.settings = settings;
    fields.push('settings');
  }
  if (changes.name === undefined && changes.subscriptionPlan === undefined && changes.metadata === undefined && changes.settings === undefined) {
    throw tenantErrors.nothingToUpdate();
  }
  if (fields.length === 0) return [];
  data.updatedFields = fields;
  return [{ type: 'tenant.updated', data }];
}

/**
 * Decides a tenant command (SPEC §3). Pure: usage and clock arrive in the command.
 *
 * @example
 *   decideTenant({ type: 'suspend' }, state) // [{ type: 'tenant.suspended', data: {...} }]
 */
export function decideTenant(command: TenantCommand, state: TenantState): TenantEvent[] {
  switch (command.type) {
    case 'create': {
      if (state.status !== 'none') throw tenantErrors.alreadyExists();
      const settings = validateSettings(command.settings);
      return [{
        type: 'tenant.created',
        data: {
          tenantId: command.tenantId,
          name: validateTenantName(command.name),
          slug: validateSlug(command.slug),
          subscriptionPlan: validatePlan(command.subscriptionPlan),
          adminEmail: validateAdminEmail(command.adminEmail),
          metadata: validateTenantMetadata(command.metadata ?? {}),
          settings,
        },
      }];
    }
    case 'update':
      return decideUpdate(command, live(state).tenant);
    case 'suspend': {
      const current = live(state);
      if (current.status === 'suspended') throw tenantErrors.invalidStatusTransition('suspended', 'suspended');
      return [{ type: 'tenant.suspended', data: { tenantId: current.tenant.tenantId, reason: command.reason ?? null } }];
    }
    case 'resume': {
      const current = live(state);
      if (current.status === 'active') throw tenantErrors.invalidStatusTransition('active', 'active');
      return [{ type: 'tenant.resumed', data: { tenantId: current.tenant.tenantId } }];
    }
    case 'delete': {
      const current = live(state);
      const deletionReason: DeletionReason = validateDeletionReason(command.deletionReason);
      const dataRetentionPeriod = validateRetention(command.dataRetentionPeriod ?? DEFAULT_RETENTION);
      if (command.usage.activeNonAdminUsers > 0) throw tenantErrors.hasActiveUsers(command.usage.activeNonAdminUsers);
      const purgeAfter = new Date(command.now.getTime() + (durationSeconds(dataRetentionPeriod) ?? 0) * 1000).toISOString();
      return [{ type: 'tenant.deleted', data: { tenantId: current.tenant.tenantId, deletionReason, dataRetentionPeriod, purgeAfter } }];
    }
    case 'purge': {
      if (state.status !== 'deleted') {
        if (state.status === 'active' || state.status === 'suspended') throw tenantErrors.invalidStatusTransition(state.status, 'purged');
        throw tenantErrors.notFound();
      }
      if (command.now.getTime() < Date.parse(state.purgeAfter)) throw tenantErrors.retentionNotElapsed(state.purgeAfter);
      return [{ type: 'tenant.purged', data: { tenantId: state.tenant.tenantId } }];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/** Folds one tenant event into the state. */
export function evolveTenant(state: TenantState, event: TenantEvent): TenantState {
  switch (event.type) {
    case 'tenant.created':
      return { status: 'active', tenant: { ...event.data } };
    case 'tenant.updated': {
      if (state.status !== 'active' && state.status !== 'suspended') return state;
      const { updatedFields: _fields, tenantId: _id, ...changes } = event.data;
      return { ...state, tenant: { ...state.tenant, ...changes } };
    }
    case 'tenant.suspended':
      return state.status === 'active' ? { ...state, status: 'suspended' } : state;
    case 'tenant.resumed':
      return state.status === 'suspended' ? { ...state, status: 'active' } : state;
    case 'tenant.deleted':
      return state.status === 'active' || state.status === 'suspended'
        ? { status: 'deleted', tenant: state.tenant, purgeAfter: event.data.purgeAfter }
        : state;
    case 'tenant.purged':
      return { status: 'purged', tenantId: event.data.tenantId };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/**
 * The tenant aggregate as a decider.
 *
 * @example
 *   const state = events.reduce(tenantDecider.evolve, tenantDecider.initialState());
 *   const newEvents = tenantDecider.decide({ type: 'resume' }, state);
 */
export const tenantDecider = { initialState: initialTenantState, decide: decideTenant, evolve: evolveTenant };
