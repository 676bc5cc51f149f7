import type { AcciModule } from '../../framework/module.ts';
import type { Principal } from '../../framework/http/index.ts';

/** Header the test authenticator reads: the principal as JSON. */
export const TEST_PRINCIPAL_HEADER = 'x-test-principal';
/** Header that makes a request stop right after access checks with 204 (the matrix probe). */
export const PROBE_HEADER = 'x-access-probe';

/**
 * Test fixture for the platform's authentication seam: the caller is whoever the test says
 * (through `x-test-principal`), so the access module can be exercised for every role without
 * the auth module's sign-in. With `x-access-probe`, a request that passed every onRequest check
 * answers 204 before validation and its handler: "reached" in the permission matrix.
 *
 * @example
 *   const t = await createTestApp({ modules: [access.module, principalFromHeader()] });
 *   await t.http.inject({ url, headers: asHeaders(principal) });
 */
export function principalFromHeader(): AcciModule {
  return {
    name: 'test-principal',
    authenticator: () => async (request) => {
      const raw = request.headers[TEST_PRINCIPAL_HEADER];
      return typeof raw === 'string' ? (JSON.parse(raw) as Principal) : null;
    },
    global(app) {
      app.addHook('preValidation', async (request, reply) => {
        if (request.headers[PROBE_HEADER] === '1') return reply.code(204).send();
        return undefined;
      });
    },
    register() {},
  };
}

export const asHeaders = (principal: Principal | null, probe = false): Record<string, string> => ({
  ...(principal ? { [TEST_PRINCIPAL_HEADER]: JSON.stringify(principal) } : {}),
  ...(probe ? { [PROBE_HEADER]: '1' } : {}),
});
