/**
 * Test harness for the tenants and users modules: the full app with the test authenticator and a
 * file mailer writing into a temporary directory.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMailer } from '../../src/framework/mail/index.ts';
import { createLogger } from '../../src/framework/observability/index.ts';
import { createIdentityModules, identityServices, type IdentityServices } from '../../src/modules/users/index.ts';
import { createTestApp, type TestApp } from './app.ts';
import { asSystemAdmin, testAuthModule } from './test-auth.ts';

export type IdentityTestApp = TestApp & {
  mailDir: string;
  /** The shared write side of this app (commands, mailer). */
  services: () => IdentityServices;
  /** Every `.eml` written so far, oldest first, once the mail outbox has sent everything queued. */
  mails: () => Promise<string[]>;
  /** Creates a tenant through the API as system admin; returns its id and admin user id. */
  createTenant: (overrides?: Record<string, unknown>) => Promise<{ tenantId: string; adminUserId: string; body: Record<string, unknown> }>;
};

let counter = 0;

export async function createIdentityTestApp(): Promise<IdentityTestApp> {
  const mailDir = mkdtempSync(join(tmpdir(), 'acci-mail-'));
  const mailer = createMailer({ directory: mailDir, from: 'ACCI <no-reply@acci.test>', logger: createLogger({ level: 'silent', format: 'json' }) });
  const t = await createTestApp({ modules: [testAuthModule, ...createIdentityModules({ mailer, publicUrl: 'https://acci.test' })] });
  const mails = async () => {
    await identityServices(t.context).outbox.drain();
    return readdirSync(mailDir).filter((f) => f.endsWith('.eml')).sort().map((f) => readFileSync(join(mailDir, f), 'utf8'));
  };
  return {
    ...t,
    mailDir,
    mails,
    services: () => identityServices(t.context),
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

const quotedPrintable = (text: string): string => {
  const bytes: number[] = [];
  const source = Buffer.from(text.replace(/=\r?\n/g, ''), 'latin1');
  for (let i = 0; i < source.length; i++) {
    const hex = source[i] === 0x3d ? source.subarray(i + 1, i + 3).toString('latin1') : '';
    if (/^[0-9A-F]{2}$/.test(hex)) { bytes.push(parseInt(hex, 16)); i += 2; } else bytes.push(source[i]!);
  }
  return Buffer.from(bytes).toString('utf8');
};

/** The decoded headers and text of a quoted-printable `.eml` (RFC 2047 words in headers decoded too). */
export function mailText(raw: string): string {
  const latin = Buffer.from(raw, 'utf8').toString('latin1');
  const split = latin.indexOf('\r\n\r\n');
  const head = latin.slice(0, split).replace(/\r\n\s+/g, ' ').replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, word: string) => quotedPrintable(word.replace(/_/g, ' ')));
  return `${head}\n\n${quotedPrintable(latin.slice(split + 4))}`;
}

/** The invitation token in a mail's link (`token=<token>`); takes the raw `.eml` (decoding twice would mangle `=XX` in the link). */
export function tokenOf(raw: string): string {
  const match = /[?&]token=([^\s&]+)/.exec(mailText(raw));
  if (!match?.[1]) throw new Error('no token in mail');
  return decodeURIComponent(match[1]);
}

/** Polls until `probe` returns a value (asynchronous projections), at most `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
