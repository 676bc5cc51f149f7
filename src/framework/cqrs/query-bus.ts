import type { Static, TSchema } from 'typebox';
import type { Database } from '../db/index.ts';
import type { Transaction } from '../eventstore/types.ts';
import type { Principal } from '../http/principal.ts';
import { enforce, tenantBoundaryAuthorize, type Authorize } from './middleware/authorization.ts';
import { validatePayload } from './middleware/validation.ts';
import { createQueryCache, type QueryCacheOptions } from './query-cache.ts';

export type Query<Type extends string = string, Params = unknown> = {
  type: Type;
  params: Params;
  tenantId: string;
  principal: Principal | null;
  correlationId: string;
};

export type QueryHandlerContext = {
  /** Runs `work` in a transaction scoped to the query's tenant (RLS applies): read models only. */
  read: <T>(work: (tx: Transaction) => Promise<T>) => Promise<T>;
};

export type QueryRegistration<Type extends string = string, Schema extends TSchema = TSchema, Result = unknown> = {
  type: Type;
  schema: Schema;
  handler: (query: Query<Type, Static<Schema>>, context: QueryHandlerContext) => Promise<Result>;
  public?: boolean;
  permission?: string;
  /**
   * Cache results for `ttlMs`. Safe use only: results keyed by tenant, type, params and (unless
   * `shared`) the principal; authorization always runs first; invalidate on writes you know of.
   */
  cache?: QueryCacheOptions;
};

export type QueryExecutor<Type extends string, Schema extends TSchema, Result> =
  (query: Omit<Query<Type, Static<Schema>>, 'type'>) => Promise<Result>;

export type QueryBus = {
  register<Type extends string, Schema extends TSchema, Result>(
    registration: QueryRegistration<Type, Schema, Result>,
  ): QueryExecutor<Type, Schema, Result>;
  execute(query: Query): Promise<unknown>;
  /** Drops cached results of one query type, for one tenant or all. */
  invalidate(type: string, tenantId?: string): void;
  has(type: string): boolean;
};

/**
 * The query bus: handlers over read models (projection tables), each run in a tenant-scoped
 * transaction, after payload validation and the same `authorize` hook as commands; optional
 * per-query TTL cache with explicit invalidation.
 *
 * @example
 *   const queries = createQueryBus({ db: ctx.db.app, authorize });
 *   const getNote = queries.register({
 *     type: 'note.get', schema: Type.Object({ id: Type.String() }), cache: { ttlMs: 1000 },
 *     handler: (query, { read }) => read((tx) => tx.query('SELECT * FROM example_notes WHERE id = $1', [query.params.id])),
 *   });
 *   await getNote({ params: { id }, tenantId, principal, correlationId });
 */
export function createQueryBus(options: { db?: Database; authorize?: Authorize; maxCacheEntries?: number } = {}): QueryBus {
  const authorize = options.authorize ?? tenantBoundaryAuthorize;
  const registrations = new Map<string, QueryRegistration>();
  const cache = createQueryCache(options.maxCacheEntries ?? 10_000);

  const contextFor = (tenantId: string): QueryHandlerContext => ({
    read(work) {
      if (!options.db) throw new Error('query bus: no database configured');
      return options.db.transaction(work, { tenantId });
    },
  });

  async function execute(query: Query): Promise<unknown> {
    const registration = registrations.get(query.type);
    if (!registration) throw new Error(`no handler registered for query ${query.type}`);
    await validatePayload(registration.schema, query.params);
    await enforce(authorize, query.principal, {
      kind: 'query', type: query.type, payload: query.params, tenantId: query.tenantId,
      public: registration.public ?? false,
      ...(registration.permission ? { permission: registration.permission } : {}),
    });
    const run = () => registration.handler(query, contextFor(query.tenantId));
    return registration.cache ? cache.get(registration.cache, query, run) : run();
  }

  return {
    register(registration) {
      if (registrations.has(registration.type)) throw new Error(`query ${registration.type} is already registered`);
      registrations.set(registration.type, registration as unknown as QueryRegistration);
      return async (query) => execute({ ...query, type: registration.type }) as Promise<Awaited<ReturnType<typeof registration.handler>>>;
    },
    execute,
    invalidate: (type, tenantId) => cache.invalidate(type, tenantId),
    has: (type) => registrations.has(type),
  };
}
