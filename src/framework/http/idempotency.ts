import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PLATFORM_TENANT_ID, type Database } from '../db/index.ts';
import { AppError } from '../errors/index.ts';
import type { HttpServer } from './server.ts';
import { problems } from './problem-schema.ts';

/**
 * `Idempotency-Key` on POST (SPEC §4): the first response to a key is stored (per tenant and
 * caller, table `idempotency_keys`); the same key with the same method, path and body replays it
 * (header `Idempotent-Replayed: true`); the same key with another request is refused with 422
 * `idempotency.key_reused`; a key whose first request is still running answers 409
 * `idempotency.in_progress`. Responses ≥ 500 are not stored, so the client may retry.
 * Concurrency-safe: the key row is inserted before the handler runs; a racing twin waits on the
 * primary key and then sees it.
 * Keys are per caller; an anonymous caller's key is scoped to its request as well (another body
 * with the same key is a new request, never refused nor answered with someone else's response).
 * Every POST route registered after this in the scope honours the header and documents it (the
 * header, 409 and 422), unless its config says `idempotency: false` (answers that carry new
 * credentials, which are never stored).
 *
 * @example
 *   registerIdempotency(scope, { db: ctx.db.app }); // inside a module's register, before its routes
 */
export type IdempotencyOptions = {
  db: Database;
  ttlHours?: number;
  staleAfterSeconds?: number;
  /** Keys the stored request hashes (required where bodies hold passwords: the auth routes). */
  secret?: Buffer;
};

type Claimed = { tenantId: string; caller: string; key: string };
type Row = { request_hash: string; state: string; response_status: number | null; response_headers: Record<string, string> | null; response_body: string | null; fresh: boolean; stale: boolean };

const KEY = /^[\x21-\x7e]{1,255}$/;
/** Response headers that are part of the answer and replayed with it (a 201's `location` above all). */
const REPLAYED_HEADERS = ['content-type', 'content-language', 'location'] as const;
const claimed = new WeakMap<FastifyRequest, Claimed>();

export const idempotencyErrors = {
  invalidKey: () => new AppError('idempotency.invalid_key', 400),
  keyReused: () => new AppError('idempotency.key_reused', 422),
  inProgress: () => new AppError('idempotency.in_progress', 409, {}, { headers: { 'retry-after': '1' } }),
};

/**
 * The same request: method, path and body, whatever order the body's keys arrived in. Keyed (HMAC)
 * when the scope gives a secret: a body holding a password must not be stored as a plain SHA-256
 * that a reader of the database or a backup could test guesses against.
 */
const requestHash = (request: FastifyRequest, secret: Buffer | undefined): string =>
  (secret ? createHmac('sha256', secret) : createHash('sha256')).update(`${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body ?? null)}`).digest('hex');

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this POST route does not honour `Idempotency-Key` (see registerIdempotency). */
    idempotency?: boolean;
  }
}

const IDEMPOTENCY_HEADER = { 'idempotency-key': { type: 'string', maxLength: 255, description: 'Replays the first response to this key and body (24 h)' } };

/** The route's documentation: the optional header, and the 409/422 it may answer. */
function documentIdempotency(schema: Record<string, unknown>): void {
  const headers = (schema.headers ?? { type: 'object', properties: {} }) as { properties?: Record<string, unknown> };
  schema.headers = { ...headers, properties: { ...IDEMPOTENCY_HEADER, ...headers.properties } };
  schema.response = { ...problems(409, 422), ...(schema.response as Record<string, unknown> | undefined) };
}

export function registerIdempotency(app: HttpServer, options: IdempotencyOptions): void {
  const { db } = options;
  const ttl = `${options.ttlHours ?? 24} hours`;
  const stale = `${options.staleAfterSeconds ?? 60} seconds`;

  const claimKey = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST') return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] ?? '' : header;
    if (!KEY.test(key)) throw idempotencyErrors.invalidKey();
    const tenantId = request.principal?.tenantId ?? PLATFORM_TENANT_ID;
    const hash = requestHash(request, options.secret);
    const caller = request.principal?.userId ?? `anonymous:${hash}`;
    const path = request.url.split('?')[0] ?? '/';

    const existing = await db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO idempotency_keys (tenant_id, caller, key, method, path, request_hash, state) VALUES ($1, $2, $3, $4, $5, $6, 'pending')
         ON CONFLICT (tenant_id, caller, key) DO NOTHING`,
        [tenantId, caller, key, request.method, path, hash],
      );
      if (inserted.rowCount === 1) return null;
      const found = await tx.query<Row>(
        `SELECT request_hash, state, response_status, response_headers, response_body,
                created_at > now() - $4::interval AS fresh, (state = 'pending' AND created_at < now() - $5::interval) AS stale
           FROM idempotency_keys WHERE tenant_id = $1 AND caller = $2 AND key = $3 FOR UPDATE`,
        [tenantId, caller, key, ttl, stale],
      );
      const row = found.rows[0];
      if (row && row.fresh && !row.stale) return row;
      await tx.query(
        `UPDATE idempotency_keys SET method = $4, path = $5, request_hash = $6, state = 'pending', response_status = NULL,
           response_headers = NULL, response_body = NULL, created_at = now() WHERE tenant_id = $1 AND caller = $2 AND key = $3`,
        [tenantId, caller, key, request.method, path, hash],
      );
      return null;
    }, { tenantId });

    if (existing === null) {
      claimed.set(request, { tenantId, caller, key });
      return;
    }
    if (existing.request_hash !== hash) throw idempotencyErrors.keyReused();
    if (existing.state !== 'done') throw idempotencyErrors.inProgress();
    for (const [name, value] of Object.entries(existing.response_headers ?? {})) reply.header(name, value);
    reply.header('idempotent-replayed', 'true');
    return reply.code(existing.response_status ?? 200).send(existing.response_body ?? '');
  };

  const storeResponse = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = claimed.get(request);
    if (!claim) return payload;
    claimed.delete(request);
    const { tenantId, caller, key } = claim;
    if (reply.statusCode >= 500 || (payload !== null && typeof payload !== 'string' && !Buffer.isBuffer(payload))) {
      await db.transaction((tx) => tx.query('DELETE FROM idempotency_keys WHERE tenant_id = $1 AND caller = $2 AND key = $3', [tenantId, caller, key]), { tenantId });
      return payload;
    }
    const body = payload === null ? '' : payload.toString();
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (typeof value === 'string') headers[name] = value;
    }
    await db.transaction((tx) => tx.query(
      `UPDATE idempotency_keys SET state = 'done', response_status = $4, response_headers = $5, response_body = $6
       WHERE tenant_id = $1 AND caller = $2 AND key = $3`,
      [tenantId, caller, key, reply.statusCode, headers, body],
    ), { tenantId });
    return payload;
  };

  // Hooks of the POST routes that honour the key, not of the scope: the scope's GET routes (the
  // authenticated reads on the hot path) would otherwise pay two async hooks per request.
  app.addHook('onRoute', (route) => {
    if (![route.method].flat().includes('POST') || route.config?.idempotency === false) return;
    route.schema ??= {};
    documentIdempotency(route.schema as Record<string, unknown>);
    route.preHandler = [...[route.preHandler ?? []].flat(), claimKey];
    route.onSend = [...[route.onSend ?? []].flat(), storeResponse];
  });
}
