import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../framework/testing/index.ts';
import { userCounts, userDecider, type TenantContext, type UserCommand } from './decider.ts';
import type { UserEvent } from './events.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const USER = '22222222-2222-4222-8222-222222222222';
const now = new Date('2026-01-01T00:00:00Z');
const tenant: TenantContext = { status: 'active', allowsSelfService: false, seatLimit: 10, seats: 3, admins: 2, activeAdmins: 2 };

const userSpec = spec(userDecider);
/** given events / when command / then events or error code (the framework's decider spec). */
const given = (events: UserEvent[], when: UserCommand) => {
  const then = userSpec.given(events).when(when);
  return { then: (expected: UserEvent[]) => void then.then(expected), thenThrows: (code: string) => then.thenThrows(code) };
};
const register = (overrides: Partial<Extract<UserCommand, { type: 'register' }>> = {}): UserCommand => ({
  type: 'register', userId: USER, tenantId: TENANT, email: 'Ada@Example.org', role: 'user', registrationSource: 'admin_invite', tenant, ...overrides,
});
const registered = (role: 'user' | 'admin' | 'system_admin' = 'user', status: 'invited' | 'active' = 'active'): UserEvent => ({
  type: 'user.registered',
  data: { userId: USER, tenantId: TENANT, email: 'Ada@Example.org', role, displayName: null, metadata: {}, registrationSource: 'admin_invite', status },
});
const deactivated = (type: 'temporary' | 'permanent' = 'temporary'): UserEvent => ({
  type: 'user.deactivated',
  data: { userId: USER, tenantId: TENANT, reason: 'admin_action', deactivationType: type, reactivationDate: type === 'temporary' ? '2026-02-01T00:00:00.000Z' : null, previousStatus: 'active' },
});

describe('user decider: register', () => {
  it('registers an invited user from an admin invitation', () =>
    given([], register({ displayName: ' Ada ' })).then([{
      type: 'user.registered',
      data: { userId: USER, tenantId: TENANT, email: 'Ada@Example.org', role: 'user', displayName: 'Ada', metadata: {}, registrationSource: 'admin_invite', status: 'invited' },
    }]));
  it('refuses self-service unless the tenant allows it', () => given([], register({ registrationSource: 'self_service' })).thenThrows('user.self_service_disabled'));
  it('registers self-service users as active where allowed', () => {
    const [event] = userDecider.decide(register({ registrationSource: 'self_service', tenant: { ...tenant, allowsSelfService: true } }), userDecider.initialState());
    assert.equal(event?.type === 'user.registered' && event.data.status, 'active');
  });
  it('refuses when the seat limit is reached', () => given([], register({ tenant: { ...tenant, seats: 10 } })).thenThrows('user.quota_exceeded'));
  it('refuses bad e-mails, roles and display names', () => {
    given([], register({ email: 'not-an-email' })).thenThrows('user.invalid_email');
    given([], register({ role: 'superuser' })).thenThrows('user.invalid_role');
    given([], register({ role: 'system_admin' })).thenThrows('user.invalid_role');
    given([], register({ displayName: '' })).thenThrows('user.invalid_display_name');
    given([], register({ displayName: 'x'.repeat(101) })).thenThrows('user.invalid_display_name');
    given([], register({ displayName: '\u200b\u200b\u200b' })).thenThrows('user.invalid_display_name');
    given([], register({ displayName: 'Ada\u202eecalevoL' })).thenThrows('user.invalid_display_name');
    given([], register({ displayName: 'Ada\r\nBcc: victim@example.org' })).thenThrows('user.invalid_display_name');
  });
  it('refuses in a deleted or suspended tenant', () => {
    given([], register({ tenant: { ...tenant, status: 'deleted' } })).thenThrows('tenant.deleted');
    given([], register({ tenant: { ...tenant, status: 'suspended' } })).thenThrows('tenant.suspended');
    given([], register({ tenant: { ...tenant, status: 'none' } })).thenThrows('tenant.not_found');
  });
  it('refuses a second registration of the stream', () => given([registered()], register()).thenThrows('user.already_exists'));
});

describe('user decider: update profile', () => {
  const update = (changes: Extract<UserCommand, { type: 'update_profile' }>['changes'], t = tenant, at = now): UserCommand => ({ type: 'update_profile', changes, tenant: t, now: at });
  it('changes the e-mail and starts the cooldown', () =>
    given([registered()], update({ email: 'ada@new.example' })).then([{
      type: 'user.profile_updated',
      data: { userId: USER, tenantId: TENANT, email: 'ada@new.example', emailChangedAt: now.toISOString(), updatedFields: ['email'] },
    }]));
  it('records the language the e-mail change was asked in, for the confirmation mail', () =>
    given([registered()], { ...update({ email: 'ada@new.example' }), language: 'fr' } as UserCommand).then([{
      type: 'user.profile_updated',
      data: { userId: USER, tenantId: TENANT, email: 'ada@new.example', emailChangedAt: now.toISOString(), mailLanguage: 'fr', updatedFields: ['email'] },
    }]));
  it('refuses a second e-mail change within the cooldown, allows it after', () => {
    const first: UserEvent = { type: 'user.profile_updated', data: { userId: USER, tenantId: TENANT, email: 'b@x.example', emailChangedAt: now.toISOString(), updatedFields: ['email'] } };
    given([registered(), first], update({ email: 'c@x.example' }, tenant, new Date(now.getTime() + 3_600_000))).thenThrows('user.email_change_cooldown');
    const later = new Date(now.getTime() + 25 * 3_600_000);
    assert.equal(userDecider.decide(update({ email: 'c@x.example' }, tenant, later), [registered(), first].reduce(userDecider.evolve, userDecider.initialState())).length, 1);
  });
  it('changes display name, role and metadata', () =>
    given([registered()], update({ displayName: 'Ada L.', role: 'read_only', metadata: { team: 'core' } })).then([{
      type: 'user.profile_updated',
      data: { userId: USER, tenantId: TENANT, displayName: 'Ada L.', role: 'read_only', metadata: { team: 'core' }, updatedFields: ['displayName', 'role', 'metadata'] },
    }]));
  it('refuses to demote the last admin', () => given([registered('admin')], update({ role: 'user' }, { ...tenant, admins: 1 })).thenThrows('user.last_admin'));
  it('refuses to demote the last active admin, even when an invited admin remains', () =>
    given([registered('admin')], update({ role: 'user' }, { ...tenant, admins: 2, activeAdmins: 1 })).thenThrows('user.last_admin'));
  it('demotes an invited admin while an active one remains', () =>
    assert.equal(userDecider.decide(update({ role: 'user' }, { ...tenant, admins: 2, activeAdmins: 1 }), [registered('admin', 'invited')].reduce(userDecider.evolve, userDecider.initialState())).length, 1));
  it('demotes an admin when another admin remains', () => assert.equal(userDecider.decide(update({ role: 'user' }), [registered('admin')].reduce(userDecider.evolve, userDecider.initialState())).length, 1));
  it('refuses to demote the last system admin', () => given([registered('system_admin')], update({ role: 'admin' }, { ...tenant, admins: 3, systemAdmins: 1 })).thenThrows('user.last_admin'));
  it('refuses an empty update', () => given([registered()], update({})).thenThrows('user.nothing_to_update'));
  it('refuses a display name without visible text', () => given([registered()], update({ displayName: ' \u200b\u2060 ' })).thenThrows('user.invalid_display_name'));
  it('refuses updates of a deactivated user', () => given([registered(), deactivated()], update({ displayName: 'X' })).thenThrows('user.deactivated'));
  it('refuses updates of an unknown user', () => given([], update({ displayName: 'X' })).thenThrows('user.not_found'));
});

describe('user decider: deactivate, reactivate', () => {
  const deactivate = (type: string, date?: string | null, reason = 'admin_action', t = tenant): UserCommand => ({ type: 'deactivate', reason, deactivationType: type, reactivationDate: date ?? null, tenant: t, now });
  it('deactivates temporarily with a future date', () => given([registered()], deactivate('temporary', '2026-02-01T00:00:00Z')).then([deactivated()]));
  it('needs a reactivation date for temporary deactivation', () => given([registered()], deactivate('temporary')).thenThrows('user.missing_reactivation_date'));
  it('refuses a reactivation date in the past', () => given([registered()], deactivate('temporary', '2025-12-31T00:00:00Z')).thenThrows('user.invalid_reactivation_date'));
  it('refuses reactivation dates the calendar does not have instead of rolling them over', () => {
    for (const date of ['2030-02-30T00:00:00Z', '2030-13-01T00:00:00Z', '2030-04-31T00:00:00Z', '2027-02-29T00:00:00Z', '2030-01-01T24:00:00Z', '2030-01-01T00:00:00+24:00', 'tomorrow']) {
      given([registered()], deactivate('temporary', date)).thenThrows('user.invalid_reactivation_date');
    }
  });
  it('accepts a leap day and an offset, and stores the date in UTC', () => {
    const [leap] = userDecider.decide(deactivate('temporary', '2028-02-29T00:00:00Z'), userDecider.evolve(userDecider.initialState(), registered()));
    assert.equal(leap?.type === 'user.deactivated' && leap.data.reactivationDate, '2028-02-29T00:00:00.000Z');
    const [offset] = userDecider.decide(deactivate('temporary', '2026-03-01T00:30:00+01:00'), userDecider.evolve(userDecider.initialState(), registered()));
    assert.equal(offset?.type === 'user.deactivated' && offset.data.reactivationDate, '2026-02-28T23:30:00.000Z');
  });
  it('refuses a reactivation date on a permanent deactivation', () => given([registered()], deactivate('permanent', '2026-02-01T00:00:00Z')).thenThrows('user.invalid_reactivation_date'));
  it('deactivates permanently', () => given([registered()], deactivate('permanent')).then([deactivated('permanent')]));
  it('accepts every reason of SPEC §4 and other:<text>', () => {
    for (const reason of ['user_requested', 'admin_action', 'security_violation', 'inactive', 'other:left the company']) {
      assert.equal(userDecider.decide(deactivate('permanent', null, reason), userDecider.evolve(userDecider.initialState(), registered())).length, 1);
    }
    given([registered()], deactivate('permanent', null, 'bored')).thenThrows('user.invalid_deactivation_reason');
  });
  it('refuses to deactivate the last admin', () => given([registered('admin')], deactivate('permanent', null, 'admin_action', { ...tenant, admins: 1 })).thenThrows('user.last_admin'));
  it('refuses to deactivate the last active admin, even when an invited admin remains', () => {
    given([registered('admin')], deactivate('permanent', null, 'admin_action', { ...tenant, admins: 2, activeAdmins: 1 })).thenThrows('user.last_admin');
    // The invited one may go while an active admin remains.
    assert.equal(userDecider.decide(deactivate('permanent', null, 'admin_action', { ...tenant, admins: 2, activeAdmins: 1 }), userDecider.evolve(userDecider.initialState(), registered('admin', 'invited'))).length, 1);
  });
  it('refuses to deactivate the last system admin, even when tenant admins remain', () => {
    given([registered('system_admin')], deactivate('permanent', null, 'admin_action', { ...tenant, admins: 3, systemAdmins: 1 })).thenThrows('user.last_admin');
    given([registered('system_admin')], deactivate('permanent', null, 'admin_action', { ...tenant, admins: 3 })).thenThrows('user.last_admin');
    assert.equal(userDecider.decide(deactivate('permanent', null, 'admin_action', { ...tenant, admins: 3, systemAdmins: 2 }), userDecider.evolve(userDecider.initialState(), registered('system_admin'))).length, 1);
    // Only active system admins count: an invited one is not the last one who can sign in.
    assert.equal(userDecider.decide(deactivate('permanent', null, 'admin_action', { ...tenant, admins: 3, systemAdmins: 1 }), userDecider.evolve(userDecider.initialState(), registered('system_admin', 'invited'))).length, 1);
  });
  it('refuses to deactivate twice', () => given([registered(), deactivated()], deactivate('permanent')).thenThrows('user.already_deactivated'));
  it('reactivates to the previous status', () =>
    given([registered(), deactivated()], { type: 'reactivate', tenant, now }).then([{ type: 'user.reactivated', data: { userId: USER, tenantId: TENANT, status: 'active', automatic: false } }]));
  it('refuses to reactivate a permanently deactivated user', () => given([registered(), deactivated('permanent')], { type: 'reactivate', tenant, now }).thenThrows('user.permanently_deactivated'));
  it('refuses to reactivate an active user', () => given([registered()], { type: 'reactivate', tenant, now }).thenThrows('user.not_deactivated'));
  it('refuses to reactivate beyond the seat limit', () => given([registered(), deactivated()], { type: 'reactivate', tenant: { ...tenant, seats: 10 }, now }).thenThrows('user.quota_exceeded'));
});

describe('user decider: invitation, e-mail confirmation', () => {
  it('accepts an invitation once', () => {
    given([registered('admin', 'invited')], { type: 'accept_invitation', tenant }).then([{ type: 'user.invitation_accepted', data: { userId: USER, tenantId: TENANT } }]);
    given([registered('admin', 'active')], { type: 'accept_invitation', tenant }).thenThrows('user.invalid_status_transition');
  });
  it('confirms an e-mail once', () => {
    const confirmed: UserEvent = { type: 'user.email_confirmed', data: { userId: USER, tenantId: TENANT, email: 'Ada@Example.org' } };
    const selfService: UserEvent = { type: 'user.registered', data: { ...(registered().data as Extract<UserEvent, { type: 'user.registered' }>['data']), registrationSource: 'self_service' } };
    given([selfService], { type: 'confirm_email', tenant }).then([confirmed]);
    given([selfService, confirmed], { type: 'confirm_email', tenant }).then([]);
  });
});

describe('user decider: self-service registration expiry', () => {
  const open: TenantContext = { ...tenant, allowsSelfService: true };
  const deadline = '2026-01-02T00:00:00.000Z';
  const selfRegistered: UserEvent = {
    type: 'user.registered',
    data: { userId: USER, tenantId: TENANT, email: 'ada@example.org', role: 'user', displayName: null, metadata: {}, registrationSource: 'self_service', status: 'active', confirmBy: deadline },
  };
  const expire = (at: Date, t = tenant): UserCommand => ({ type: 'expire_registration', tenant: t, now: at });
  const later = new Date('2026-01-02T00:00:00.001Z');
  const expired: UserEvent[] = [
    { type: 'user.registration_expired', data: { userId: USER, tenantId: TENANT, email: 'ada@example.org', reason: 'email_not_confirmed', confirmBy: deadline } },
    {
      type: 'user.deactivated',
      data: { userId: USER, tenantId: TENANT, reason: 'other:registration_expired', deactivationType: 'permanent', reactivationDate: null, previousStatus: 'active' },
    },
  ];

  it('gives a self-service registration its confirmation deadline, others none', () => {
    given([], register({ email: 'ada@example.org', registrationSource: 'self_service', tenant: open, now, confirmWithinSeconds: 86_400 })).then([selfRegistered]);
    const [invited] = userDecider.decide(register({ now, confirmWithinSeconds: 86_400 }), userDecider.initialState());
    assert.equal(invited?.type === 'user.registered' && invited.data.confirmBy, undefined);
  });
  it('expires an unconfirmed registration once its deadline has passed: deactivated for good, no seat, not active', () => {
    given([selfRegistered], expire(new Date(deadline))).then(expired);
    const state = [selfRegistered, ...expired].reduce(userDecider.evolve, userDecider.initialState());
    assert.deepEqual(userCounts(state), { seats: 0, admins: 0, activeAdmins: 0, activeMembers: 0 });
    given([selfRegistered, ...expired], { type: 'reactivate', tenant, now: later }).thenThrows('user.permanently_deactivated');
  });
  it('keeps a registration before its deadline, once confirmed, or once an admin changed or deactivated it', () => {
    given([selfRegistered], expire(new Date('2026-01-01T23:59:59.999Z'))).thenThrows('user.registration_not_expired');
    given([selfRegistered, { type: 'user.email_confirmed', data: { userId: USER, tenantId: TENANT, email: 'ada@example.org' } }], expire(later))
      .thenThrows('user.registration_not_expired');
    given([selfRegistered, { type: 'user.profile_updated', data: { userId: USER, tenantId: TENANT, displayName: 'Ada', updatedFields: ['displayName'] } }], expire(later))
      .thenThrows('user.registration_not_expired');
    given([selfRegistered, deactivated(), { type: 'user.reactivated', data: { userId: USER, tenantId: TENANT, status: 'active', automatic: false } }], expire(later))
      .thenThrows('user.registration_not_expired');
  });
  it('expires once, and never users registered otherwise or before deadlines existed', () => {
    given([selfRegistered, ...expired], expire(later)).thenThrows('user.registration_not_expired');
    given([registered()], expire(later)).thenThrows('user.registration_not_expired');
    const { confirmBy: _, ...legacy } = selfRegistered.data as Extract<UserEvent, { type: 'user.registered' }>['data'];
    given([{ type: 'user.registered', data: legacy }], expire(later)).thenThrows('user.registration_not_expired');
    given([], expire(later)).thenThrows('user.not_found');
  });
  it('refuses in a deleted tenant', () => given([selfRegistered], expire(later, { ...tenant, status: 'deleted' })).thenThrows('tenant.deleted'));
});

describe('user counts', () => {
  it('counts seats, admins and active members', () => {
    const fold = (events: UserEvent[]) => userCounts(events.reduce(userDecider.evolve, userDecider.initialState()));
    assert.deepEqual(fold([registered('admin', 'invited')]), { seats: 1, admins: 1, activeAdmins: 0, activeMembers: 0 });
    assert.deepEqual(fold([registered('admin', 'active')]), { seats: 1, admins: 1, activeAdmins: 1, activeMembers: 0 });
    assert.deepEqual(fold([registered('user', 'active')]), { seats: 1, admins: 0, activeAdmins: 0, activeMembers: 1 });
    assert.deepEqual(fold([registered('user', 'active'), deactivated()]), { seats: 0, admins: 0, activeAdmins: 0, activeMembers: 0 });
  });
});
