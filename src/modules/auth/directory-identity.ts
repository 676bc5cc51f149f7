import type { ModuleContext } from '../../framework/module.ts';
import { identity, type IdentityOptions } from '../users/index.ts';
import type { AuthDirectory } from './directory.ts';
import { isUuid } from '../../framework/validation/index.ts';


/**
 * The auth directory over the users module's door (`identity(ctx)`): tenants, users, invitations,
 * self-service registration and e-mail confirmation — auth never reads their tables.
 *
 * @example
 *   createAuthModule({ directory: (ctx) => identityDirectory(ctx), ... });
 */
export function identityDirectory(context: ModuleContext, options: IdentityOptions = {}): AuthDirectory {
  const id = identity(context, options);
  return {
    findTenant: (ref) => id.findTenant(ref),
    findUserByEmail: (tenantId, email) => id.findUserForLogin(tenantId, email),
    getUser: (tenantId, userId) => id.getUser(tenantId, userId),
    invitationTenant(token) {
      // Invitation tokens are `<tenantId>.<secret>` (users module, invitations.ts).
      const prefix = token.split('.')[0] ?? '';
      return isUuid(prefix) ? prefix.toLowerCase() : null;
    },
    invitationPending: (token) => id.invitationPending(token),
    acceptInvitation: (token, { correlationId }, within) => id.acceptInvitation(token, correlationId, within),
    confirmEmail: async (tenantId, userId, { correlationId }) => { await id.confirmEmail(tenantId, userId, correlationId); },
    async registerSelfService(input, { correlationId }, within) {
      // The registration returns its profile as stored: no second transaction to read it back.
      const { userId, user } = await id.registerSelfService({ ...input, correlationId }, within);
      const registered = user ? { ...user, emailConfirmed: false } : await id.getUser(input.tenantId, userId);
      if (!registered) throw new Error(`registered user ${userId} not readable`);
      return registered;
    },
  };
}
