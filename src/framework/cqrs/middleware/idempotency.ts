import { createHash } from 'node:crypto';
import { canonicalJson } from '../../canonical-json.ts';
import type { Database } from '../../db/index.ts';
import { AppError, commonErrors } from '../../errors/index.ts';
import type { Command, CommandMiddleware } from '../command-bus.ts';

const COMMAND_ID = /^[A-Za-z0-9._:-]{1,200}$/;


/** Same id, same request: type, payload and acting user. Another user reusing an id learns nothing. */
const requestHash = (command: Command): string =>
  createHash('sha256').update(canonicalJson([command.type, command.principal?.userId ?? null, command.payload])).digest('hex');

export const idempotencyErrors = {
  invalidId: () => new AppError('command.invalid_id', 400),
  idReused: (commandId: string) => new AppError('command.id_reused', 422, { commandId }),
};

const CLAIM = `INSERT INTO command_log (tenant_id, command_id, command_type, request_hash)
  VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, command_id) DO NOTHING`;
const COMPLETE = 'UPDATE command_log SET result = $3 WHERE tenant_id = $1 AND command_id = $2';
const FIRST = 'SELECT request_hash, result FROM command_log WHERE tenant_id = $1 AND command_id = $2';

/**
 * Makes commands with a `commandId` idempotent. It opens a tenant-scoped transaction, claims the id
 * in `command_log`, runs the rest of the chain with that transaction (`tx`, which the handler
 * passes to `handleCommand`), and stores the result before committing — events and log entry
 * commit together. A repeated id returns the stored result and appends nothing; a concurrent twin
 * waits on the claim's primary key and then returns the same result (or runs, if the first failed:
 * failures are not recorded). The same id with another type, payload or user → 422 `command.id_reused`.
 * Results must be JSON (an `undefined` result replays as `null`).
 *
 * @example
 *   idempotencyMiddleware({ db: ctx.db.app });
 */
export function idempotencyMiddleware(options: { db: Database }): CommandMiddleware {
  return {
    name: 'idempotency',
    async handle(execution, next) {
      const { command, registration } = execution;
      if (command.commandId === undefined || registration.idempotent === false) return next(execution);
      if (!COMMAND_ID.test(command.commandId)) throw idempotencyErrors.invalidId();
      const { tenantId, commandId } = command;
      const hash = requestHash(command);
      return options.db.transaction(async (tx) => {
        const claim = await tx.query(CLAIM, [tenantId, commandId, command.type, hash]);
        if (claim.rowCount === 1) {
          const result = await next({ ...execution, tx });
          await tx.query(COMPLETE, [tenantId, commandId, JSON.stringify(result ?? null)]);
          return result;
        }
        const { rows } = await tx.query<{ request_hash: string; result: unknown }>(FIRST, [tenantId, commandId]);
        const first = rows[0];
        if (!first) throw commonErrors.conflict('command');
        if (first.request_hash !== hash) throw idempotencyErrors.idReused(commandId);
        execution.outcome.replayed = true;
        return first.result;
      }, { tenantId });
    },
  };
}
