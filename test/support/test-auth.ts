/**
 * TEST ONLY — never imported from src/. A stand-in authenticator until the auth module lands:
 * the header `x-test-principal: <base64url JSON>.<HMAC-SHA256 with a per-process random secret>`
 * becomes `request.principal`. Tests mint headers with `asPrincipal(...)`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PLATFORM_TENANT_ID } from '../../src/framework/db/index.ts';
import type { Principal } from '../../src/framework/http/index.ts';
import type { AcciModule } from '../../src/framework/module.ts';

const SECRET = randomBytes(32);
const HEADER = 'x-test-principal';
const sign = (payload: string) => createHmac('sha256', SECRET).update(payload).digest('base64url');

/** Headers that authenticate as `principal` against `testAuthModule`. */
export function asPrincipal(principal: Principal): Record<string, string> {
  const payload = Buffer.from(JSON.stringify(principal)).toString('base64url');
  return { [HEADER]: `${payload}.${sign(payload)}` };
}

export const asSystemAdmin = (userId = '00000000-0000-4000-8000-000000000001') =>
  asPrincipal({ userId, tenantId: PLATFORM_TENANT_ID, role: 'system_admin', isSystemAdmin: true });

export const asTenantUser = (tenantId: string, role: string, userId = '00000000-0000-4000-8000-0000000000aa') =>
  asPrincipal({ userId, tenantId, role, isSystemAdmin: false });

export const testAuthModule: AcciModule = {
  name: 'test-auth',
  register: () => undefined,
  authenticator: () => async (request) => {
    const header = request.headers[HEADER];
    if (typeof header !== 'string') return null;
    const [payload, signature] = header.split('.');
    if (!payload || !signature) return null;
    const expected = Buffer.from(sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Principal;
  },
};
