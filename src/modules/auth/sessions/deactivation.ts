import { defineProjection } from '../../../framework/projections/index.ts';
import type { AuthDeps } from '../deps.ts';
import { revokeUserSessions } from './service.ts';

/**
 * Reacts to the users module's `user.deactivated`: every session the user opened before the
 * deactivation is revoked, so their access tokens stop working at once instead of living out their
 * five minutes. Runs as an asynchronous projection (one runner across instances); revocation is
 * idempotent and limited to sessions created before the event, so a replay or rebuild never ends
 * sessions opened after a later reactivation.
 *
 * @example
 *   createAuthModule({ ... }).projections // includes this reaction
 */
export function deactivationRevokesSessions(deps: () => AuthDeps | undefined) {
  return defineProjection({
    name: 'auth.deactivation_revokes_sessions',
    version: 1,
    handlers: {
      'user.deactivated': async (event) => {
        const current = deps();
        if (!current) return;
        const { userId } = event.data as { userId: string };
        await revokeUserSessions(current, event.metadata.tenantId, userId, 'user_deactivated', {
          ip: '0.0.0.0', userAgent: null, correlationId: event.metadata.correlationId,
        }, event.metadata.timestamp);
      },
    },
    reset: async () => undefined,
  });
}
