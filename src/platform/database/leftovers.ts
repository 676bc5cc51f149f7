import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { isAlive, runningPostmaster, signalAndWait } from './postmaster.ts';

/**
 * Every embedded cluster is recorded with who made it, so that clusters left behind by killed
 * processes can be found and removed later: a test run or benchmark killed with SIGKILL leaves its
 * throw-away cluster (and its postmaster) behind, and nothing else would ever remove them.
 *
 * - A throw-away (`ephemeral`) cluster is left over once the process that started it is gone.
 *   Its postmaster is stopped and its directories removed.
 * - A kept cluster is left over once its base directory's `pgdata` link is gone (the user deleted
 *   the data directory) and nothing runs on it.
 */
export type ClusterRecord = { dataDirectory: string; baseDir: string; ephemeral: boolean; pid: number };

export function registryDirectory(rootHome: string): string {
  const uid = userInfo().uid;
  // Not under tmpdir(): `npm test` gives each run its own TMPDIR, and a run killed with SIGKILL must
  // leave its records where the next run looks (beside the root home, one folder per user).
  return uid === 0 ? join(rootHome, 'clusters') : join(dirname(rootHome), `acci-postgres-${uid}`, 'clusters');
}

const recordPath = (registry: string, dataDirectory: string) =>
  join(registry, `${createHash('sha256').update(dataDirectory).digest('hex').slice(0, 16)}.json`);

export function recordCluster(registry: string, record: ClusterRecord): void {
  mkdirSync(registry, { recursive: true, mode: 0o700 });
  const path = recordPath(registry, record.dataDirectory);
  const staging = `${path}.${process.pid}.tmp`;
  writeFileSync(staging, JSON.stringify(record));
  renameSync(staging, path);
}

function readRecordAt(path: string): ClusterRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ClusterRecord;
  } catch {
    return undefined;
  }
}

export const readClusterRecord = (registry: string, dataDirectory: string): ClusterRecord | undefined =>
  readRecordAt(recordPath(registry, dataDirectory));

export function forgetCluster(registry: string, dataDirectory: string): void {
  rmSync(recordPath(registry, dataDirectory), { force: true });
}

function isLeftOver(record: ClusterRecord): boolean {
  if (record.ephemeral) return record.pid !== process.pid && !isAlive(record.pid);
  if (runningPostmaster(record.dataDirectory)) return false;
  try {
    lstatSync(join(record.baseDir, 'pgdata'));
    return false;
  } catch {
    return true;
  }
}

/**
 * Removes the clusters other processes left behind (see above). Best effort: a record that cannot
 * be read or a directory that cannot be removed is skipped. Of two processes sweeping at once, the
 * one that renames a record first sweeps that cluster.
 */
export async function sweepLeftoverClusters(registry: string, onLog: (line: string) => void = () => undefined): Promise<string[]> {
  if (!existsSync(registry)) return [];
  const swept: string[] = [];
  for (const name of readdirSync(registry)) {
    if (!name.endsWith('.json')) continue;
    const path = join(registry, name);
    const record = readRecordAt(path);
    if (!record || !isLeftOver(record)) continue;
    const claimed = `${path}.sweeping-${process.pid}`;
    try {
      renameSync(path, claimed);
    } catch {
      continue; // another process is sweeping it
    }
    const postmaster = runningPostmaster(record.dataDirectory);
    if (postmaster) await signalAndWait(postmaster.pid);
    rmSync(record.dataDirectory, { recursive: true, force: true });
    if (record.ephemeral) rmSync(record.baseDir, { recursive: true, force: true });
    rmSync(claimed, { force: true });
    onLog(`removed the embedded PostgreSQL cluster ${record.dataDirectory}, left behind by process ${record.pid}`);
    swept.push(record.dataDirectory);
  }
  return swept;
}
