import type { Static, TSchema } from 'typebox';
import type { Transaction } from '../eventstore/types.ts';
import type { Principal } from '../http/principal.ts';

/**
 * A command as it travels through the bus: what to do (`type`, `payload`), for which tenant, on
 * whose behalf, and an optional client-chosen `commandId` that makes it idempotent.
 */
export type Command<Type extends string = string, Payload = unknown> = {
  type: Type;
  payload: Payload;
  tenantId: string;
  principal: Principal | null;
  correlationId: string;
  causationId?: string | null;
  /** Idempotency key: a repeated id returns the first result and appends nothing. */
  commandId?: string;
};

/** What a handler receives besides the command. */
export type CommandHandlerContext = {
  /**
   * The transaction the idempotency middleware opened (tenant set): pass it to `handleCommand`
   * so the events and the command log commit together. Absent for commands without an id.
   */
  tx?: Transaction;
};

/**
 * One command type: its payload schema (validated before anything else runs), its handler, and
 * data the middleware reads (`public`, `permission`, `idempotent`).
 */
export type CommandRegistration<Type extends string = string, Schema extends TSchema = TSchema, Result = unknown> = {
  type: Type;
  schema: Schema;
  handler: (command: Command<Type, Static<Schema>>, context: CommandHandlerContext) => Promise<Result>;
  /** Anonymous callers may send it (sign-up, password reset); the authorizer still decides. */
  public?: boolean;
  /** What the authorization engine checks, e.g. `note:create`. */
  permission?: string;
  /** Set false for commands whose results must never be replayed. Default true. */
  idempotent?: boolean;
};

/** Shared by every middleware of one execution; read it after `next` returns. */
export type ExecutionOutcome = { replayed: boolean };

export type CommandExecution = {
  command: Command;
  registration: CommandRegistration;
  tx?: Transaction;
  outcome: ExecutionOutcome;
};

/**
 * A step around the handler. Call `next(execution)` (optionally with a changed execution, e.g.
 * with `tx`) to continue, or return/throw without calling it to stop.
 *
 * @example
 *   const timing: CommandMiddleware = {
 *     name: 'timing',
 *     async handle(execution, next) { const t = performance.now(); try { return await next(execution); } finally { observe(performance.now() - t); } },
 *   };
 */
export type CommandMiddleware = {
  name: string;
  handle: (execution: CommandExecution, next: (execution: CommandExecution) => Promise<unknown>) => Promise<unknown>;
};

/** A typed entry point returned by `register`: fills in `type`, checks the payload type. */
export type CommandExecutor<Type extends string, Schema extends TSchema, Result> =
  (command: Omit<Command<Type, Static<Schema>>, 'type'>) => Promise<Result>;

export type CommandBus = {
  /** Registers a handler; one per type. Returns a typed executor for that command. */
  register<Type extends string, Schema extends TSchema, Result>(
    registration: CommandRegistration<Type, Schema, Result>,
  ): CommandExecutor<Type, Schema, Result>;
  execute(command: Command): Promise<unknown>;
  /** Adds a middleware innermost (next to the handler), or before/after a named one. */
  use(middleware: CommandMiddleware, position?: { before?: string; after?: string }): void;
  middlewareNames(): string[];
  has(type: string): boolean;
};

/** The mandated relative order of the standard middleware (SPEC §6). */
export const STANDARD_ORDER = ['logging', 'validation', 'authorization', 'rate_limit', 'idempotency'] as const;

function checkOrder(names: readonly string[]): void {
  const positions = STANDARD_ORDER.map((name) => names.indexOf(name)).filter((index) => index >= 0);
  for (let i = 1; i < positions.length; i++) {
    if ((positions[i] ?? 0) < (positions[i - 1] ?? 0)) {
      throw new Error(`command middleware out of order: ${names.join(', ')} (required: ${STANDARD_ORDER.join(' → ')})`);
    }
  }
  if (new Set(names).size !== names.length) throw new Error(`duplicate command middleware: ${names.join(', ')}`);
}

/**
 * The command bus: modules register handlers by command type; every command runs through the
 * middleware in order (logging → validation → authorization → rate limiting → idempotency, then
 * any added ones) and then its handler. Use `standardCommandMiddleware` for the standard chain.
 *
 * @example
 *   const bus = createCommandBus({ middleware: standardCommandMiddleware({ logger, db: ctx.db.app, authorize }) });
 *   const createNote = bus.register({ type: 'note.create', schema: CreateNote, handler: async (command, { tx }) => ... });
 *   await createNote({ payload: { title: 'Hi' }, tenantId, principal, correlationId, commandId });
 */
export function createCommandBus(options: { middleware?: readonly CommandMiddleware[] } = {}): CommandBus {
  const chain: CommandMiddleware[] = [...(options.middleware ?? [])];
  checkOrder(chain.map((m) => m.name));
  const registrations = new Map<string, CommandRegistration>();

  const run = (execution: CommandExecution, index: number): Promise<unknown> => {
    const middleware = chain[index];
    if (!middleware) {
      const context: CommandHandlerContext = execution.tx ? { tx: execution.tx } : {};
      return execution.registration.handler(execution.command, context);
    }
    return middleware.handle(execution, (next) => run(next, index + 1));
  };

  const execute = (command: Command): Promise<unknown> => {
    const registration = registrations.get(command.type);
    if (!registration) return Promise.reject(new Error(`no handler registered for command ${command.type}`));
    return run({ command, registration, outcome: { replayed: false } }, 0);
  };

  return {
    register(registration) {
      if (registrations.has(registration.type)) throw new Error(`command ${registration.type} is already registered`);
      registrations.set(registration.type, registration as unknown as CommandRegistration);
      return async (command) => execute({ ...command, type: registration.type }) as Promise<Awaited<ReturnType<typeof registration.handler>>>;
    },
    execute,
    use(middleware, position = {}) {
      const anchor = position.before ?? position.after;
      let index = chain.length;
      if (anchor !== undefined) {
        const found = chain.findIndex((m) => m.name === anchor);
        if (found < 0) throw new Error(`no command middleware named ${anchor}`);
        index = position.before !== undefined ? found : found + 1;
      }
      const next = [...chain.slice(0, index), middleware, ...chain.slice(index)];
      checkOrder(next.map((m) => m.name));
      chain.splice(0, chain.length, ...next);
    },
    middlewareNames: () => chain.map((m) => m.name),
    has: (type) => registrations.has(type),
  };
}

/**
 * The event metadata a command's events carry: its correlation id, what caused it (the causing
 * event or, failing that, the command id) and the acting user.
 *
 * @example
 *   await handleCommand({ ..., context: eventContextOf(command) });
 */
export function eventContextOf(command: Command): { correlationId: string; causationId: string | null; userId: string | null } {
  return {
    correlationId: command.correlationId,
    causationId: command.causationId ?? command.commandId ?? null,
    userId: command.principal?.userId ?? null,
  };
}
