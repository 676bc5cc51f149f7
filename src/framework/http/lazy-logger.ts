import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString, LogFn } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * A request logger whose pino child (with the request and correlation ids bound) is created on
 * first use. Most requests log only their completion line, which the request log writes through
 * the parent with the ids inline, so the per-request child (a few microseconds) is usually skipped.
 * The level methods live on the prototype: Fastify checks that a child logger has all of them on
 * every request, and looking them up must not create the child.
 */
class LazyChildLogger implements FastifyBaseLogger {
  // Defined once on the prototype below.
  declare fatal: LogFn;
  declare error: LogFn;
  declare warn: LogFn;
  declare info: LogFn;
  declare debug: LogFn;
  declare trace: LogFn;
  declare silent: LogFn;
  #child: FastifyBaseLogger | undefined;
  readonly bindings: Record<string, unknown>;
  readonly #parent: FastifyBaseLogger;
  readonly #options: ChildLoggerOptions | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Record<string, unknown>, options: ChildLoggerOptions | undefined) {
    this.#parent = parent;
    this.bindings = bindings;
    this.#options = options;
  }

  /** The pino child, created now if it was not yet. */
  resolve(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.bindings, this.#options));
  }

  get level(): LevelWithSilentOrString {
    return this.#child?.level ?? this.#parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.resolve().level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.resolve().child(bindings, options);
  }
}

for (const level of LEVELS) {
  Object.defineProperty(LazyChildLogger.prototype, level, {
    value(this: LazyChildLogger, ...args: unknown[]) {
      const real = this.resolve();
      return (real[level] as (...a: unknown[]) => void).apply(real, args);
    },
  });
}

export function lazyChildLogger(parent: FastifyBaseLogger, bindings: Record<string, unknown>, options: ChildLoggerOptions | undefined): FastifyBaseLogger {
  return new LazyChildLogger(parent, bindings, options);
}

/** The ids a lazy request logger would bind, for writing one line through the parent. */
export const bindingsOf = (logger: FastifyBaseLogger): Record<string, unknown> | undefined =>
  logger instanceof LazyChildLogger ? logger.bindings : undefined;
