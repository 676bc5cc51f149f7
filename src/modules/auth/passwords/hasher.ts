import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** argon2id parameters: memory in KiB, iterations, lanes. */
export type Argon2Parameters = { memoryCost: number; timeCost: number; parallelism: number };

/** OWASP Password Storage Cheat Sheet, argon2id first option: m=19 MiB, t=2, p=1. */
export const OWASP_ARGON2ID: Argon2Parameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * Hashes and verifies passwords with argon2id on libuv's thread pool (never on the event loop).
 * `needsRehash` tells when a stored hash was made with other parameters, so a successful login
 * can replace it transparently.
 *
 * @example
 *   const hasher = createPasswordHasher();
 *   const stored = await hasher.hash('correct horse battery staple');
 *   await hasher.verify(stored, 'correct horse battery staple'); // true
 */
export type PasswordHasher = {
  parameters: Argon2Parameters;
  hash: (password: string) => Promise<string>;
  verify: (stored: string, password: string) => Promise<boolean>;
  /** Verifies against a fixed hash of a random password: same cost as a real check, always false. */
  verifyDummy: (password: string) => Promise<false>;
  needsRehash: (stored: string) => boolean;
};

/** `Algorithm.Argon2id` of @node-rs/argon2 (an ambient const enum, so spelled out here). */
const ARGON2ID = 2 as Algorithm.Argon2id;
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

export function createPasswordHasher(parameters: Argon2Parameters = OWASP_ARGON2ID): PasswordHasher {
  const options = { algorithm: ARGON2ID, ...parameters };
  let dummy: Promise<string> | undefined;
  const hashPassword = (password: string) => hash(password, options);
  const check = async (stored: string, password: string) => {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  };
  return {
    parameters,
    hash: hashPassword,
    verify: check,
    async verifyDummy(password) {
      dummy ??= hashPassword(randomBytes(24).toString('base64url'));
      await check(await dummy, password);
      return false;
    },
    needsRehash(stored) {
      const match = PHC.exec(stored);
      if (!match) return true;
      return Number(match[1]) !== parameters.memoryCost || Number(match[2]) !== parameters.timeCost || Number(match[3]) !== parameters.parallelism;
    },
  };
}
