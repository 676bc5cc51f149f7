/**
 * `npm run bench -- <name>`: runs bench/<name>.ts. Every benchmark is bounded in time, talks only
 * to loopback, and prints one JSON line last (see bench/lib.ts).
 */
import { readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';

const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'lib.ts', 'database.ts'].includes(f) && !f.endsWith('.test.ts'))
  .map((f) => f.replace(/\.ts$/, ''));
const names = process.argv.slice(2);
if (names.length === 0 || names.some((n) => !available.includes(n))) {
  process.stderr.write(`usage: npm run bench -- <${available.join('|')}> [...]\n`);
  process.exit(2);
}
for (const name of names) {
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${import.meta.dirname}/${name}.ts`], { stdio: 'inherit' });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) process.exit(code);
}
