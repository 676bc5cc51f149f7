/**
 * `npm test`: one PostgreSQL for the whole run (TEST_DATABASE_URL, or an embedded throw-away
 * server), one migrated template database, then node's test runner over every *.test.ts file in
 * parallel; each file clones the template.
 *   npm test                      all tests
 *   npm test -- src/framework     only files under a path (or a single file)
 * The TypeScript is compiled once (esbuild, test/support/build.ts) while PostgreSQL starts, and the
 * test processes load plain JavaScript with source maps; ACCI_TEST_BUILD=off runs the sources
 * through tsx instead (slower: every test process then compiles through loader hooks).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve as resolvePath } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import { ADMIN_URL_ENV, TEMPLATE_ENV, createTemplate, dropDatabase, startTestPostgres } from '../test/support/template.ts';
import type { EmbeddedPostgres } from '../src/platform/database/embedded.ts';
import { buildForTests, builtPath } from '../test/support/build.ts';

function findTests(path: string): string[] {
  const stat = statSync(path);
  if (stat.isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path).flatMap((entry) => (entry === 'node_modules' || entry.startsWith('.') ? [] : findTests(join(path, entry))));
}

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = (roots.length ? roots : ['src', 'test', 'scripts', 'bench']).flatMap((root) => {
  try { return findTests(root); } catch { return []; }
}).map((f) => relative(process.cwd(), f)).sort();

const root = resolvePath(import.meta.dirname, '..');
const compiled = process.env.ACCI_TEST_BUILD !== 'off';
// One build per run, so several runs in one checkout do not overwrite each other's files.
const buildDir = join(root, '.acci', `test-build-${process.pid}`);
const building = compiled ? buildForTests(root, buildDir) : Promise.resolve(undefined);
building.catch(() => undefined); // awaited below; do not crash before the database is cleaned up

let embedded: EmbeddedPostgres | undefined;
const started = performance.now();
let adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  embedded = await startTestPostgres();
  adminUrl = embedded.adminUrl;
}
const template = `acci_tpl_${process.pid}`;
// The test processes' temporary files (mail directories, data directories, configs) go to one
// directory of this run, removed at the end: a run leaves nothing behind in the system's /tmp.
const scratch = mkdtempSync(join(tmpdir(), 'acci-test-run-'));
let code: number;
try {
  await createTemplate(adminUrl, template);
  const outDir = await building;
  process.stdout.write(`test database ${compiled ? 'and build ' : ''}ready in ${Math.round(performance.now() - started)} ms (${embedded ? 'embedded PostgreSQL' : 'TEST_DATABASE_URL'}), ${files.length} files\n`);
  const concurrency = Number(process.env.TEST_CONCURRENCY ?? Math.max(4, availableParallelism() * 2));
  const runner = outDir
    ? ['--enable-source-maps', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files.map((f) => builtPath(root, outDir, f))]
    : ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files];
  code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, runner, {
      stdio: 'inherit',
      env: { ...process.env, TMPDIR: scratch, [ADMIN_URL_ENV]: adminUrl, [TEMPLATE_ENV]: template, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
} finally {
  await dropDatabase(adminUrl, template).catch(() => undefined);
  await embedded?.stop();
  rmSync(buildDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);
