import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { Database, Queryable } from '../../../framework/db/index.ts';
import { authErrors } from '../errors.ts';
import { open, seal } from './master-key.ts';

export const ALGORITHM = 'EdDSA';
export const ISSUER = 'acci';
export const AUDIENCE = 'acci-api';
/** Channel on which a rotation tells the other processes to reload the key set. */
export const KEYS_CHANNEL = 'acci_auth_keys';
const VERIFIED_CACHE_SIZE = 50_000;
/** Clock difference between processes tolerated on token and key lifetimes. */
const CLOCK_SKEW_SECONDS = 60;

/** What an access token asserts (SPEC §5): subject, tenant, role and session. */
export type AccessClaims = { sub: string; tenant: string; role: string; sid: string; exp: number };

type PublicKeyEntry = { kid: string; publicKey: KeyObject; jwk: JWK; createdAt: number; expiresAt: number | null };
type SigningKey = { kid: string; privateKey: KeyObject; createdAt: number };

/**
 * A retired key stops being trusted at its expiry even when this process has not reloaded the
 * key set since: rotating a leaked key must revoke it everywhere.
 */
const isTrusted = (key: PublicKeyEntry | undefined, nowMs: number): key is PublicKeyEntry =>
  key !== undefined && (key.expiresAt === null || key.expiresAt > nowMs);

/** No token is issued for longer than the configured lifetime: one that claims to is refused. */
const outlivesLifetime = (iat: number, exp: number, nowSeconds: number, maxSeconds: number): boolean =>
  exp - iat > maxSeconds || exp - nowSeconds > maxSeconds;

/**
 * The JWT signing keys of the platform (Ed25519). Private keys are sealed under the master key in
 * `auth_signing_keys`; the newest key signs, older ones stay published in the JWKS until every
 * token they signed has expired, so a rotation logs nobody out.
 *
 * @example
 *   const keys = createKeyStore({ app, system, masterKey, accessTokenTtlSeconds: 300 });
 *   await keys.ensureActive();
 *   const { token } = await keys.sign({ sub, tenant, role, sid }, 300);
 *   const claims = await keys.verify(token);
 */
export type KeyStore = {
  /** Loads keys; creates the first one (or a scheduled rotation) when needed. */
  ensureActive: () => Promise<void>;
  /** Creates a new signing key and retires the previous ones; returns the new kid. */
  rotate: () => Promise<string>;
  /** Reloads the key set from the database (after another process rotated). */
  reload: () => Promise<void>;
  sign: (claims: Omit<AccessClaims, 'exp'>, ttlSeconds: number) => Promise<{ token: string; expiresAt: Date }>;
  verify: (token: string) => Promise<AccessClaims>;
  jwks: () => { keys: JWK[] };
  currentKid: () => string | undefined;
};

export type KeyStoreOptions = {
  app: Database;
  system: Database;
  masterKey: Buffer;
  accessTokenTtlSeconds: number;
  /** A signing key older than this is replaced on start (default 30 days). */
  rotationAfterSeconds?: number;
};

type KeyRow = { kid: string; public_jwk: JWK; created_at: Date; retired_at: Date | null; expires_at: Date | null };

export function createKeyStore(options: KeyStoreOptions): KeyStore {
  const { app, system, masterKey } = options;
  const maxLifetimeSeconds = options.accessTokenTtlSeconds + CLOCK_SKEW_SECONDS;
  let published = new Map<string, PublicKeyEntry>();
  let signing: SigningKey | undefined;
  const missed = new Map<string, number>();
  /** Tokens already verified (signature, issuer, audience, type): the hot path skips the signature check. */
  const verified = new Map<string, { claims: AccessClaims; exp: number; kid: string }>();
  let reloading: Promise<void> | undefined;

  const toEntry = (row: KeyRow): PublicKeyEntry => ({
    kid: row.kid,
    publicKey: createPublicKey({ key: row.public_jwk, format: 'jwk' }),
    jwk: { ...row.public_jwk, kid: row.kid, alg: ALGORITHM, use: 'sig' },
    createdAt: row.created_at.getTime(),
    expiresAt: row.expires_at ? row.expires_at.getTime() : null,
  });

  async function loadPublic(db: Database): Promise<void> {
    const { rows } = await db.query<KeyRow>(
      `SELECT kid, public_jwk, created_at, retired_at, expires_at FROM auth_signing_keys
        WHERE expires_at IS NULL OR expires_at > now() ORDER BY created_at`,
    );
    published = new Map(rows.map((row) => [row.kid, toEntry(row)]));
  }

  async function loadSigning(): Promise<void> {
    const { rows } = await system.query<{ kid: string; private_key_sealed: Buffer; created_at: Date }>(
      `SELECT kid, private_key_sealed, created_at FROM auth_signing_keys
        WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1`,
    );
    const row = rows[0];
    signing = row
      ? { kid: row.kid, createdAt: row.created_at.getTime(), privateKey: createPrivateKey({ key: open(masterKey, row.private_key_sealed, `jwk:${row.kid}`), format: 'der', type: 'pkcs8' }) }
      : undefined;
  }

  async function reload(): Promise<void> {
    await Promise.all([loadPublic(system), loadSigning()]);
  }

  async function rotateIn(tx: Queryable): Promise<string> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const kid = randomUUID();
    const sealed = seal(masterKey, privateKey.export({ format: 'der', type: 'pkcs8' }), `jwk:${kid}`);
    // Tokens signed by the keys retired now stay valid until they expire, plus clock skew.
    await tx.query(
      `UPDATE auth_signing_keys SET retired_at = now(), expires_at = now() + make_interval(secs => $1::float8)
        WHERE retired_at IS NULL`,
      [maxLifetimeSeconds],
    );
    await tx.query(
      `INSERT INTO auth_signing_keys (kid, algorithm, public_jwk, private_key_sealed) VALUES ($1, $2, $3, $4)`,
      [kid, ALGORITHM, publicKey.export({ format: 'jwk' }), sealed],
    );
    await tx.query(`SELECT pg_notify($1, $2)`, [KEYS_CHANNEL, kid]);
    return kid;
  }

  async function rotate(): Promise<string> {
    const kid = await system.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('acci_auth_keys'))`);
      return rotateIn(tx);
    });
    await reload();
    return kid;
  }

  /** An unknown kid triggers one reload of the public keys; a kid still unknown is retried after a second. */
  async function learn(kid: string): Promise<void> {
    const now = Date.now();
    if ((missed.get(kid) ?? 0) > now - 1_000) return;
    if (missed.size > 1_000) missed.clear();
    missed.set(kid, now);
    reloading ??= loadPublic(app).finally(() => { reloading = undefined; });
    await reloading;
  }

  return {
    async ensureActive() {
      await reload();
      const maxAgeSeconds = options.rotationAfterSeconds ?? 30 * 86_400;
      if (signing && Date.now() - signing.createdAt < maxAgeSeconds * 1000) return;
      await system.transaction(async (tx) => {
        // Several processes may start at once: one rotates, the others use its key.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('acci_auth_keys'))`);
        const { rows } = await tx.query(
          `SELECT 1 FROM auth_signing_keys WHERE retired_at IS NULL AND created_at > now() - make_interval(secs => $1::float8)`,
          [maxAgeSeconds],
        );
        if (rows.length === 0) await rotateIn(tx);
      });
      await reload();
    },
    rotate,
    reload,
    async sign(claims, ttlSeconds) {
      if (!signing) throw new Error('no signing key: call ensureActive() first');
      const now = Math.floor(Date.now() / 1000);
      const exp = now + Math.max(1, Math.floor(ttlSeconds));
      const token = await new SignJWT({ tenant: claims.tenant, role: claims.role, sid: claims.sid })
        .setProtectedHeader({ alg: ALGORITHM, kid: signing.kid, typ: 'at+jwt' })
        .setSubject(claims.sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(signing.privateKey);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    async verify(token) {
      const seen = verified.get(token);
      if (seen) {
        const now = Date.now();
        if (seen.exp * 1000 > now && isTrusted(published.get(seen.kid), now)) return seen.claims;
        verified.delete(token);
      }
      let payload: JWTPayload;
      let kid = '';
      try {
        ({ payload } = await jwtVerify(token, async (header) => {
          kid = header.kid ?? '';
          if (!published.has(kid)) await learn(kid);
          const entry = published.get(kid);
          if (!isTrusted(entry, Date.now())) throw authErrors.invalidToken();
          return entry.publicKey;
        }, { issuer: ISSUER, audience: AUDIENCE, algorithms: [ALGORITHM], typ: 'at+jwt' }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw authErrors.tokenExpired();
        throw authErrors.invalidToken();
      }
      const { sub, tenant, role, sid, exp, iat } = payload;
      if (typeof sub !== 'string' || typeof tenant !== 'string' || typeof role !== 'string' || typeof sid !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') {
        throw authErrors.invalidToken();
      }
      if (outlivesLifetime(iat, exp, Date.now() / 1000, maxLifetimeSeconds)) throw authErrors.invalidToken();
      const claims = { sub, tenant, role, sid, exp };
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.clear();
      verified.set(token, { claims, exp, kid });
      return claims;
    },
    jwks() {
      const now = Date.now();
      return { keys: [...published.values()].filter((k) => isTrusted(k, now)).map((k) => k.jwk) };
    },
    currentKid: () => signing?.kid,
  };
}
