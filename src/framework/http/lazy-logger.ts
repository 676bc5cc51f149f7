import type { FastifyBaseLogger } from 'fastify';

/**
 * A request logger whose pino child (with the request and correlation ids bound) is created on
 * first use. Most requests log only their completion line, which the request log writes through
 * the parent with the ids inline, so the per-request child (a few microseconds) is usually skipped.
 */
export function lazyChildLogger(parent: FastifyBaseLogger, bindings: Record<string, unknown>, options: object | undefined): FastifyBaseLogger {
  let child: FastifyBaseLogger | undefined;
  const real = () => (child ??= parent.child(bindings, options));
  return new Proxy(parent, {
    get(target, property, receiver) {
      if (property === 'level') return target.level;
      if (property === lazyBindings) return bindings;
      const value = Reflect.get(real(), property, receiver === target ? real() : receiver);
      return typeof value === 'function' ? value.bind(real()) : value;
    },
  });
}

/** The ids a lazy request logger would bind, for writing one line through the parent. */
export const lazyBindings = Symbol('acci.lazyBindings');
export const bindingsOf = (logger: FastifyBaseLogger): Record<string, unknown> | undefined =>
  (logger as unknown as Record<symbol, Record<string, unknown> | undefined>)[lazyBindings];
