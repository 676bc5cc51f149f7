import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, whether this file runs from its TypeScript source or from the compiled
 * test build (where README.md is a link back to the repository). Tests that hand a *source* file
 * to a child process (`node --import tsx <file>.ts`) resolve it from here.
 *
 * @example
 *   const fixture = join(REPO_ROOT, 'src/framework/ratelimit/fixtures/server.ts');
 */
export const REPO_ROOT = dirname(realpathSync(fileURLToPath(new URL('../../README.md', import.meta.url))));
