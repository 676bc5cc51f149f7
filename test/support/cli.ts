import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from './paths.ts';

export const ACCI_BIN = resolve(REPO_ROOT, 'bin/acci.js');

export type CliResult = { code: number | null; stdout: string; stderr: string; ms: number };

/** Runs `acci <args>` in a child process with a clean, explicit environment. */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [ACCI_BIN, ...args], { env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`acci ${args.join(' ')} timed out: ${stderr}`)); }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Only PATH/HOME and what the test sets: no DATABASE_URL or PORT leaking in from the runner. */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env };
}

export type ServerProcess = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

/** Starts `acci start` and resolves once it answers /health/ready with 200. */
export async function startServerProcess(env: Record<string, string>, port: number, timeoutMs = 30_000): Promise<ServerProcess & { readyMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [ACCI_BIN, 'start'], { env: cleanEnv({ ...env, PORT: String(port), HOST: '127.0.0.1' }) });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { output += c.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => { gone = true; });
  while (performance.now() - started < timeoutMs) {
    if (gone) throw new Error(`server exited before ready: ${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status === 200, () => false);
    if (ok) return { child, output: () => output, exited, readyMs: performance.now() - started };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`server not ready within ${timeoutMs} ms: ${output}`);
}
