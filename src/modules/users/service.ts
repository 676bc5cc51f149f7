import { randomUUID } from 'node:crypto';
import type { Database } from '../../framework/db/index.ts';
import type { Translations } from '../../framework/i18n/index.ts';
import { createMailOutbox, mailerFromEnvironment, type MailOutbox, type MailOutboxOptions, type Mailer } from '../../framework/mail/index.ts';
import type { Logger } from '../../framework/observability/index.ts';
import type { EventStore, Transaction } from '../../framework/eventstore/index.ts';
import { createTenantCommands, findTenant, platformHosts, type TenantCommands } from '../tenants/index.ts';
import { createUserCommands, type UserCommands } from './commands.ts';
import { findUserForLogin, getLoginUser } from './queries.ts';

export type IdentityOptions = {
  /** Where mail goes (default: SMTP_URL, else `.eml` files under ACCI_DATA_DIR/mail). */
  mailer?: Mailer;
  /** Base URL of links in mails, whose host no tenant may take as customDomain (default PUBLIC_URL, else http://localhost:8080). */
  publicUrl?: string;
  /** Retries, back-off and polling of the mail outbox worker (defaults in outbox.ts). */
  outbox?: Omit<MailOutboxOptions, 'mailer' | 'translations' | 'logger'>;
};

/** What the services need from the module context (the platform's event store carries the inline read models). */
export type IdentityContext = { db: { app: Database; system?: Database }; logger: Logger; translations: Translations; eventStore: EventStore };

export type IdentityServices = {
  db: Database;
  tenants: TenantCommands;
  users: UserCommands;
  mailer: Mailer;
  /** Invitation mails: queued in the registering transaction, sent by the worker the users module starts. */
  outbox: MailOutbox;
};

const cache = new WeakMap<Database, IdentityServices>();

/**
 * The tenants + users write side for one database (created once per runtime pool and shared by
 * every module that asks). The first caller's options win.
 */
export function identityServices(context: IdentityContext, options: IdentityOptions = {}): IdentityServices {
  const db = context.db.app;
  const existing = cache.get(db);
  if (existing) return existing;
  const mailer = options.mailer ?? mailerFromEnvironment(context.logger);
  const store = context.eventStore;
  const outbox = createMailOutbox({ ...options.outbox, mailer, translations: context.translations, logger: context.logger });
  const publicUrl = options.publicUrl ?? process.env.PUBLIC_URL ?? 'http://localhost:8080';
  const users = createUserCommands({ db, store, outbox, publicUrl });
  const tenants = createTenantCommands({ db, store, provisionAdmin: users.provisionAdmin, reservedDomains: platformHosts(publicUrl) });
  const services = { db, tenants, users, mailer, outbox };
  cache.set(db, services);
  return services;
}

/**
 * What the auth module (and the platform bootstrap) use from tenants and users. Obtain it with
 * `identity(ctx)` inside a module's `register`/`start`.
 *
 * @example
 *   const id = identity(ctx);
 *   const tenant = await id.findTenant({ idOrSlug: body.tenant });
 *   const user = tenant && await id.findUserForLogin(tenant.tenantId, body.email);
 */
export function identity(context: IdentityContext, options: IdentityOptions = {}) {
  const services = identityServices(context, options);
  const db = services.db;
  return {
    /** A tenant by `id`, `slug`, `customDomain` or `idOrSlug` (settings, securityPolicy, status included); null when unknown. */
    findTenant: (by: Parameters<typeof findTenant>[1]) => findTenant(db, by),
    /** The user of a tenant with this e-mail (case-insensitive) with status, role and `emailConfirmed`; null when none. */
    findUserForLogin: (tenantId: string, email: string) => findUserForLogin(db, tenantId, email),
    /** A user by id within its tenant, with `emailConfirmed` (a reset confirms an unconfirmed address); null when unknown. */
    getUser: (tenantId: string, userId: string) => getLoginUser(db, tenantId, userId),
    /** Whether an invitation token is known, unused and unexpired; nothing is consumed. */
    invitationPending: (token: string) => services.users.invitationPending(token),
    /**
     * Consumes an invitation token (single use, expires after 7 days) and activates the user
     * (invited → active). Throws 400 `user.invitation_invalid` when unknown, used or expired.
     * The caller then sets the password.
     */
    /** `within`: more writes in the same transaction (all or nothing; see WithinRegistration). */
    acceptInvitation: (token: string, correlationId: string = randomUUID(), within?: (tx: Transaction, userId: string) => Promise<void>) =>
      services.users.acceptInvitation(token, correlationId, within),
    /**
     * Self-service sign-up: only where the tenant's `settings.features` contains
     * `self_service_registration` and `password` is an allowed method (else 403
     * `user.self_service_disabled`). The user is `active` with `emailConfirmed: false`.
     * Respects maxUsers (409 `user.quota_exceeded`) and e-mail uniqueness (409 `user.email_taken`).
     * With `confirmWithinSeconds` (the confirmation link's lifetime) the registration expires unless
     * confirmed in time: the due work deactivates it and frees its seat and address.
     */
    registerSelfService: (
      input: {
        tenantId: string; email: string; displayName?: string | null; language?: 'en' | 'de' | 'sq' | 'fr' | 'es'; correlationId?: string;
        confirmWithinSeconds?: number;
      },
      within?: (tx: Transaction, userId: string) => Promise<void>,
    ) =>
      services.users.register({
        tenantId: input.tenantId, email: input.email, role: 'user', displayName: input.displayName ?? null,
        registrationSource: 'self_service', language: input.language ?? 'en',
        ...(input.confirmWithinSeconds !== undefined ? { confirmWithinSeconds: input.confirmWithinSeconds } : {}),
      }, { userId: null, correlationId: input.correlationId ?? randomUUID() }, within),
    /** Marks a user's current e-mail as confirmed (`user.email_confirmed`); a no-op when already confirmed. */
    confirmEmail: (tenantId: string, userId: string, correlationId: string = randomUUID()) =>
      services.users.confirmEmail(tenantId, userId, { userId, correlationId }).then(() => undefined),
    /**
     * Creates the system admin (platform tenant, role `system_admin`, status active) unless one
     * exists; idempotent and safe with two processes at once. Returns its userId.
     */
    ensureSystemAdmin: (input: { email: string; displayName?: string }) => services.users.ensureSystemAdmin(input),
  };
}

export type Identity = ReturnType<typeof identity>;
