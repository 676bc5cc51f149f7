import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { createMailer } from '../../framework/mail/index.ts';
import { createLogger } from '../../framework/observability/index.ts';
import { createAccess, DEFAULT_RATE_LIMITS } from '../access/index.ts';
import { createIdentityModules, identityServices } from '../users/index.ts';
import { identityDirectory } from './directory-identity.ts';
import { createAuthModule } from './module.ts';

/** The account flows behind the access module's rate limits, as `acci start` composes them. */
let t: TestApp;
before(async () => {
  const mailer = createMailer({ directory: mkdtempSync(join(tmpdir(), 'acci-mail-')), from: 'ACCI <no-reply@acci.test>', logger: createLogger({ level: 'silent', format: 'json' }) });
  const auth = createAuthModule({
    directory: (context) => identityDirectory(context, { mailer, publicUrl: 'https://acci.test' }),
    outbox: (context) => identityServices(context, { mailer, publicUrl: 'https://acci.test' }).outbox,
    masterKey: () => Buffer.alloc(32, 42),
    publicUrl: 'https://acci.test',
  });
  const access = createAccess({ watchPolicy: false, quotas: false, rateLimits: DEFAULT_RATE_LIMITS });
  t = await createTestApp({ modules: [access.module, ...createIdentityModules({ mailer, publicUrl: 'https://acci.test' }), auth] });
});
after(() => t.close());

const TOKEN = `00000000-0000-4000-8000-000000000000.${'A'.repeat(43)}`;
const ROUTES: [string, object][] = [
  ['invitations/accept', { token: TOKEN, password: 'Vivid-Otter-42-Lantern' }],
  ['password/reset', { token: 'A'.repeat(64), password: 'Vivid-Otter-42-Lantern' }],
  ['register', { tenant: 'nobody-here', email: 'a@b.test', password: 'Vivid-Otter-42-Lantern' }],
  ['email/confirm', { token: 'A'.repeat(64) }],
  ['password/forgot', { tenant: 'nobody-here', email: 'a@b.test' }],
];

it('each account flow answers 429 with Retry-After after 10 requests a minute from one IP; other addresses go on', async () => {
  for (const [index, [route, payload]] of ROUTES.entries()) {
    const post = (remoteAddress: string) => t.http.inject({ method: 'POST', url: `/api/v1/auth/${route}`, remoteAddress, payload });
    const address = `10.77.${index}.1`;
    for (let i = 0; i < 10; i++) assert.notEqual((await post(address)).statusCode, 429, `${route}: request ${i + 1} is within the limit`);
    const refused = await post(address);
    assert.equal(refused.statusCode, 429, `${route}: ${refused.body}`);
    assert.equal(refused.json().code, 'rate_limit.exceeded');
    assert.ok(Number(refused.headers['retry-after']) > 0, `${route}: Retry-After`);
    assert.notEqual((await post(`10.77.${index}.2`)).statusCode, 429, `${route}: another address is not limited`);
  }
});
