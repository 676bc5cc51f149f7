import { commonErrors } from '../../errors/index.ts';
import type { Principal } from '../../http/principal.ts';
import type { CommandMiddleware } from '../command-bus.ts';

/** What the authorizer decides on, for commands and queries alike. */
export type AuthorizationRequest = {
  kind: 'command' | 'query';
  type: string;
  payload: unknown;
  tenantId: string;
  /** From the registration, e.g. `note:create`. */
  permission?: string;
  /** The registration allows anonymous callers. */
  public: boolean;
};

/**
 * The pluggable authorization hook (the access-control engine provides the real one). Return
 * false to deny (401 without a principal, 403 with one) or throw an AppError of your own (e.g. 404
 * for another tenant's resource).
 */
export type Authorize = (principal: Principal | null, request: AuthorizationRequest) => boolean | Promise<boolean>;

/**
 * The safe default until an access engine is plugged in: public registrations are open; otherwise
 * a principal is required and must belong to the command's tenant (or be a system admin).
 *
 * @example
 *   tenantBoundaryAuthorize(principal, { kind: 'command', type: 'note.create', payload, tenantId, public: false });
 */
export const tenantBoundaryAuthorize: Authorize = (principal, request) =>
  request.public || (principal !== null && (principal.isSystemAdmin || principal.tenantId === request.tenantId));

/** Throws 401/403 when `authorize` denies. Shared by the command and query buses. */
export async function enforce(authorize: Authorize, principal: Principal | null, request: AuthorizationRequest): Promise<void> {
  if (await authorize(principal, request)) return;
  throw principal ? commonErrors.forbidden() : commonErrors.unauthenticated();
}

/**
 * Asks `authorize(principal, command)` before the command runs.
 *
 * @example
 *   authorizationMiddleware({ authorize: (principal, request) => engine.can(principal, request.permission) });
 */
export function authorizationMiddleware(options: { authorize: Authorize }): CommandMiddleware {
  return {
    name: 'authorization',
    async handle(execution, next) {
      const { command, registration } = execution;
      await enforce(options.authorize, command.principal, {
        kind: 'command',
        type: command.type,
        payload: command.payload,
        tenantId: command.tenantId,
        public: registration.public ?? false,
        ...(registration.permission ? { permission: registration.permission } : {}),
      });
      return next(execution);
    },
  };
}
