import { createHash, randomBytes } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN = /^[A-Za-z0-9_-]{64}$/;

/** A freshly minted opaque token: what the client gets, and the hash the database keeps. */
export type OpaqueToken = { token: string; hash: Buffer };

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const bytesToUuid = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/**
 * Opaque tokens (refresh, password reset, e-mail confirmation): 16 bytes naming the tenant (so the
 * lookup can run under that tenant's row-level security) and 32 random bytes, base64url. Only
 * SHA-256 of the token is stored.
 *
 * @example
 *   const { token, hash } = mintToken(tenantId);
 *   parseToken(token); // { tenantId, hash }
 */
export function mintToken(tenantId: string): OpaqueToken {
  if (!UUID.test(tenantId)) throw new Error('tenant id must be a lower-case UUID');
  const token = Buffer.concat([uuidBytes(tenantId), randomBytes(32)]).toString('base64url');
  return { token, hash: hashToken(token) };
}

export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

/** The tenant and hash of a well-formed token; null for anything else (never throws). */
export function parseToken(token: unknown): { tenantId: string; hash: Buffer } | null {
  if (typeof token !== 'string' || !TOKEN.test(token)) return null;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== 48) return null;
  return { tenantId: bytesToUuid(bytes.subarray(0, 16)), hash: hashToken(token) };
}
