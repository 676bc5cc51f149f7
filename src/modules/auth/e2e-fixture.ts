/**
 * Test fixture of the auth module's HTTP tests: the full server (tenants, users, auth) on a fresh
 * database, a real file mailer whose messages are also kept in memory, and helpers to create
 * tenants and signed-up users. Used only by `*.e2e.test.ts` files.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import { createMailer, type Mailer, type MailMessage } from '../../framework/mail/index.ts';
import { createLogger } from '../../framework/observability/index.ts';
import type { SecurityPolicy, TenantSettings } from '../tenants/index.ts';
import { createIdentityModules, identity, identityServices } from '../users/index.ts';
import { identityDirectory } from './directory-identity.ts';
import { createAuthModule, type AuthModule, type AuthModuleOptions } from './module.ts';
import { setPassword } from './set-password.ts';

export const PASSWORD = 'Vivid-Otter-42-Lantern';
export const ADMIN_EMAIL = 'root@platform.example';

export type AuthFixture = {
  t: TestApp;
  auth: AuthModule;
  mail: MailMessage[];
  inject: (options: InjectOptions) => Promise<LightMyRequestResponse>;
  createTenant: (input?: { slug?: string; policy?: Partial<SecurityPolicy>; settings?: Partial<TenantSettings> }) => Promise<{ tenantId: string; slug: string; adminEmail: string }>;
  addUser: (tenantId: string, email: string, role?: string, password?: string) => Promise<string>;
  login: (body: Record<string, unknown>, headers?: Record<string, string>) => Promise<LightMyRequestResponse>;
  /** Signs in and returns the session grant. */
  session: (body: Record<string, unknown>) => Promise<{ sessionId: string; token: string; refreshToken: string; user: { userId: string } }>;
  tokenFromMail: (to: string, contains?: string) => Promise<string>;
  /** Waits until the mail outbox has sent everything queued (mail is sent after commit, by its worker). */
  mailSettled: () => Promise<void>;
  bearer: (token: string) => Record<string, string>;
  close: () => Promise<void>;
};

export async function createAuthFixture(options: Partial<AuthModuleOptions> = {}): Promise<AuthFixture> {
  const mail: MailMessage[] = [];
  const files = createMailer({ directory: mkdtempSync(join(tmpdir(), 'acci-mail-')), from: 'ACCI <no-reply@acci.test>', logger: createLogger({ level: 'silent', format: 'json' }) });
  const mailer: Mailer = { ...files, send: async (message) => { mail.push(message); return files.send(message); } };
  const auth = createAuthModule({
    directory: (context) => identityDirectory(context, { mailer, publicUrl: 'https://acci.test' }),
    outbox: (context) => identityServices(context, { mailer, publicUrl: 'https://acci.test' }).outbox,
    masterKey: () => Buffer.alloc(32, 42),
    publicUrl: 'https://acci.test',
    ...options,
  });
  const t = await createTestApp({ modules: [...createIdentityModules({ mailer, publicUrl: 'https://acci.test' }), auth] });
  const inject = (o: InjectOptions) => t.http.inject(o);
  const services = identityServices(t.context, { mailer });
  const id = identity(t.context, { mailer });
  const actor = { userId: null, correlationId: randomUUID() };

  const { userId: adminId } = await id.ensureSystemAdmin({ email: ADMIN_EMAIL });
  await setPassword(t.context, { userId: adminId, tenantId: PLATFORM_TENANT_ID, password: PASSWORD });

  async function tokenFromMail(to: string, contains = 'token='): Promise<string> {
    for (let i = 0; i < 200; i++) {
      const found = [...mail].reverse().find((m) => m.to === to && m.text.includes(contains));
      const token = found ? /token=([^\s&]+)/.exec(found.text)?.[1] : undefined;
      if (token) return decodeURIComponent(token);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no mail with a token to ${to}`);
  }

  async function mailSettled(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      await services.outbox.drain();
      const { rows } = await t.db.system.query<{ n: number }>('SELECT count(*)::int AS n FROM mail_outbox WHERE parked_at IS NULL');
      if (rows[0]!.n === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the mail outbox did not settle');
  }

  async function acceptInvite(email: string, password: string): Promise<void> {
    const token = await tokenFromMail(email, 'invitations/accept');
    const res = await inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password } });
    if (res.statusCode !== 200) throw new Error(`accepting ${email} failed: ${res.body}`);
  }

  return {
    t,
    auth,
    mail,
    inject,
    async createTenant(input = {}) {
      const slug = input.slug ?? `t-${randomUUID().slice(0, 8)}`;
      const adminEmail = `admin@${slug}.example`;
      const settings: TenantSettings = {
        allowedAuthMethods: ['password'],
        maxUsers: 1_000,
        features: [],
        customDomain: null,
        ...input.settings,
        securityPolicy: { passwordMinLength: 12, requireMfa: false, maxLoginAttempts: 5, sessionTimeout: 'PT8H', allowedIpRanges: [], ...input.policy },
      };
      const { tenantId } = await services.tenants.create({ name: `Tenant ${slug}`, slug, subscriptionPlan: 'enterprise', adminEmail, settings, language: 'en' }, actor);
      await acceptInvite(adminEmail, PASSWORD);
      return { tenantId, slug, adminEmail };
    },
    async addUser(tenantId, email, role = 'user', password = PASSWORD) {
      const { userId } = await services.users.register({ tenantId, email, role, registrationSource: 'admin_invite', language: 'en' }, actor);
      await acceptInvite(email, password);
      return userId;
    },
    login: (body, headers = {}) => inject({ method: 'POST', url: '/api/v1/auth/login', payload: body, headers: { 'user-agent': 'fixture/1.0', ...headers } }),
    async session(body) {
      const res = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: body });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      return res.json();
    },
    tokenFromMail,
    mailSettled,
    bearer: (token) => ({ authorization: `Bearer ${token}` }),
    close: () => t.close(),
  };
}
