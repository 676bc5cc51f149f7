import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Whether a process with this id exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** The postmaster running on a data directory, from its lock file; undefined when none runs. */
export function runningPostmaster(dataDirectory: string): { pid: number; port: number } | undefined {
  const file = join(dataDirectory, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const [pidLine, , , portLine] = readFileSync(file, 'utf8').split('\n');
  const pid = Number(pidLine);
  try {
    process.kill(pid, 0); // EPERM: the id was reused by another user's process, so not ours either
    return { pid, port: Number(portLine) };
  } catch {
    return undefined; // stale lock file from a crash; PostgreSQL removes it on start
  }
}

/** Fast shutdown (abort sessions, checkpoint, exit); SIGQUIT after 10 s. Resolves when it is gone. */
export function signalAndWait(pid: number, child?: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (!isAlive(pid)) return resolvePromise();
    if (child) child.once('exit', () => resolvePromise());
    process.kill(pid, 'SIGINT');
    const started = Date.now();
    const poll = setInterval(() => {
      if (!isAlive(pid)) { clearInterval(poll); resolvePromise(); }
      else if (Date.now() - started > 10_000) { process.kill(pid, 'SIGQUIT'); }
    }, 50);
  });
}
