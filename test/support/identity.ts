/**
 * Test harness for the tenants and users modules: the full app with the test authenticator and a
 * file mailer writing into a temporary directory.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMailer } from '../../src/framework/mail/index.ts';
import { createLogger } from '../../src/framework/observability/index.ts';
import { createIdentityModules } from '../../src/modules/users/index.ts';
import { createTestApp, type TestApp } from './app.ts';
import { asSystemAdmin, testAuthModule } from './test-auth.ts';

export type IdentityTestApp = TestApp & {
  mailDir: string;
  /** Every `.eml` written so far, oldest first. */
  mails: () => string[];
  /** Creates a tenant through the API as system admin; returns its id and admin user id. */
  createTenant: (overrides?: Record<string, unknown>) => Promise<{ tenantId: string; adminUserId: string; body: Record<string, unknown> }>;
};

let counter = 0;

export async function createIdentityTestApp(): Promise<IdentityTestApp> {
  const mailDir = mkdtempSync(join(tmpdir(), 'acci-mail-'));
  const mailer = createMailer({ directory: mailDir, from: 'ACCI <no-reply@acci.test>', logger: createLogger({ level: 'silent', format: 'json' }) });
  const t = await createTestApp({ modules: [testAuthModule, ...createIdentityModules({ mailer, publicUrl: 'https://acci.test' })] });
  const mails = () => readdirSync(mailDir).filter((f) => f.endsWith('.eml')).sort().map((f) => readFileSync(join(mailDir, f), 'utf8'));
  return {
    ...t,
    mailDir,
    mails,
    async createTenant(overrides = {}) {
      counter++;
      const payload = {
        name: `Tenant ${process.pid} ${counter}`,
        subscriptionPlan: 'enterprise',
        adminEmail: `admin${counter}@tenant.test`,
        settings: { allowedAuthMethods: ['password'], maxUsers: 100 },
        ...overrides,
      };
      const res = await t.http.inject({ method: 'POST', url: '/api/v1/tenants', headers: asSystemAdmin(), payload });
      if (res.statusCode !== 201) throw new Error(`createTenant: ${res.statusCode} ${res.body}`);
      const body = res.json() as Record<string, unknown> & { tenantId: string };
      const users = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${body.tenantId}/users`, headers: asSystemAdmin() });
      const admin = (users.json() as { items: { userId: string }[] }).items[0];
      return { tenantId: body.tenantId, adminUserId: admin?.userId ?? '', body };
    },
  };
}
