import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Name of the file under ACCI_DATA_DIR that holds the generated master key (mode 0600). */
export const MASTER_KEY_FILE = 'secret.key';

/**
 * Parses `ACCI_SECRET_KEY`: 32 bytes as 64 hex digits or as base64/base64url (43–44 characters).
 * Returns null for anything else.
 */
export function parseMasterKey(raw: string): Buffer | null {
  const value = raw.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === 32 ? bytes : null;
  }
  return null;
}

/**
 * The 256-bit key that seals the JWT signing keys: `ACCI_SECRET_KEY` when the operator gives one
 * (required when several instances share a database), else one generated on first start and kept
 * in `<dataDir>/secret.key` with mode 0600.
 *
 * @example
 *   const key = resolveMasterKey({ secretKey: process.env.ACCI_SECRET_KEY, dataDir: '.acci' });
 */
export function resolveMasterKey(options: { secretKey?: string | undefined; dataDir: string }): Buffer {
  if (options.secretKey) {
    const parsed = parseMasterKey(options.secretKey);
    if (!parsed) throw new Error('ACCI_SECRET_KEY must be 32 bytes as 64 hex digits or base64');
    return parsed;
  }
  const path = join(options.dataDir, MASTER_KEY_FILE);
  if (existsSync(path)) {
    const parsed = parseMasterKey(readFileSync(path, 'utf8'));
    if (!parsed) throw new Error(`${path} does not hold a valid master key`);
    return parsed;
  }
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as { code?: string }).code === 'EEXIST') return resolveMasterKey(options);
    throw error;
  }
  chmodSync(path, 0o600);
  return key;
}

/** AES-256-GCM: 12-byte IV ‖ 16-byte tag ‖ ciphertext; `context` is bound as additional data. */
export function seal(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** Opens what `seal` produced; throws when the key, the context or the bytes do not match. */
export function open(key: Buffer, sealed: Buffer, context: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
}
