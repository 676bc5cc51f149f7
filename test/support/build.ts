/**
 * Compiles the TypeScript of the repository (src, test, scripts, bench) to JavaScript for the test
 * run, so each test process loads plain ES modules instead of compiling through tsx's loader hooks
 * (measured: a test process spends ~1.2 s of CPU in those hooks before its first test; there are
 * dozens of test files). esbuild transforms file by file, as tsx does; relative `.ts` specifiers
 * become `.js`. The assets code finds beside itself (locales, policies, migrations, bin, README)
 * are linked into the output, and `node_modules` and `package.json` are found by walking up.
 *
 * @example
 *   const out = await buildForTests('/repo', '/repo/.acci/test-build');
 */
import { mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const SOURCE_ROOTS = ['src', 'test', 'scripts', 'bench'];
const LINKED = ['locales', 'policies', 'migrations', 'bin', 'docs', 'README.md'];
/** `from "./x.ts"`, `import "./x.ts"`, `import("./x.ts")` as esbuild prints them (double quotes). */
const RELATIVE_TS = /((?:\bfrom|\bimport)\s*\(?\s*)"(\.{1,2}\/[^"\n]+)\.ts"/g;

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === 'node_modules' || entry.startsWith('.')) return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return typescriptFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

export const rewriteSpecifiers = (code: string): string => code.replace(RELATIVE_TS, '$1"$2.js"');

export async function buildForTests(root: string, outDir: string): Promise<string> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const entryPoints = SOURCE_ROOTS.flatMap((dir) => {
    try {
      return typescriptFiles(join(root, dir));
    } catch {
      return [];
    }
  });
  const result = await build({
    entryPoints, outdir: outDir, outbase: root, format: 'esm', platform: 'node', target: 'node20',
    sourcemap: 'linked', bundle: false, write: false, logLevel: 'error',
  });
  for (const file of result.outputFiles) {
    mkdirSync(join(file.path, '..'), { recursive: true });
    writeFileSync(file.path, file.path.endsWith('.js') ? rewriteSpecifiers(file.text) : file.contents);
  }
  for (const name of LINKED) {
    try {
      statSync(join(root, name));
    } catch {
      continue;
    }
    symlinkSync(relative(outDir, join(root, name)), join(outDir, name));
  }
  return outDir;
}

/** Where a file of the repository lives in the build (`src/a.test.ts` → `<out>/src/a.test.js`). */
export const builtPath = (root: string, outDir: string, file: string): string =>
  join(outDir, relative(root, join(root, file))).replace(/\.ts$/, '.js');
