import { Command } from 'commander';
import type { AcciModule } from '../../framework/module.ts';
import type { Database } from '../../framework/db/index.ts';
import type { Config } from '../config.ts';
import { connectDatabases } from '../database/connect.ts';
import { createLogger } from '../../framework/observability/index.ts';

/** The server's modules and the projection machinery load only when a subcommand runs, so `--help` stays instant. */
async function load(modules: readonly AcciModule[] | undefined) {
  const [projections, eventstore, app] = await Promise.all([
    import('../../framework/projections/index.ts'),
    import('../../framework/eventstore/index.ts'),
    import('../app.ts'),
  ]);
  const resolved = modules ?? (await import('../modules.ts')).modules;
  return { ...projections, createUpcasters: eventstore.createUpcasters, asyncProjections: app.asyncProjections, modules: resolved };
}

async function withSystem<T>(config: Config, work: (system: Database) => Promise<T>): Promise<T> {
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, format: config.logFormat });
  const databases = await connectDatabases(config, logger, { migrate: false, verifyApp: false, requireSchema: true });
  try {
    return await work(databases.system);
  } finally {
    await databases.close();
  }
}

/**
 * `acci projections status|rebuild NAME|rebase`: operate the asynchronous projections of the
 * configured modules (docs/operations/restore.md for rebase).
 */
export function projectionsCommand(
  config: () => Config,
  modules?: readonly AcciModule[],
  write: (text: string) => void = (text) => process.stdout.write(text),
): Command {
  const out = (line: string): void => write(`${line}\n`);
  const command = new Command('projections').description('Asynchronous projections: status, rebuild, re-base after a restore');
  command
    .command('status', { isDefault: true })
    .description('Name, checkpoint, lag, parked events and whether a runner is active, per projection')
    .action(async () => {
      const { asyncProjections, projectionStatus, modules: all } = await load(modules);
      const projections = asyncProjections(all);
      if (projections.length === 0) return out('no asynchronous projections are registered');
      const statuses = await withSystem(config(), (system) => projectionStatus(system.pool, projections));
      out(['NAME', 'VERSION', 'CHECKPOINT', 'LAG_EVENTS', 'LAG_SECONDS', 'PARKED', 'RUNNER'].join('\t'));
      for (const s of statuses) {
        const checkpoint = s.checkpoint ? `${s.checkpoint.transactionId}/${s.checkpoint.globalPosition}` : '-';
        const version = s.storedVersion === null || s.storedVersion === s.version ? String(s.version) : `${s.storedVersion}->${s.version}`;
        out([s.name, version, checkpoint, s.lagEvents, s.lagSeconds.toFixed(3), s.parked, s.active ? 'active' : 'none'].join('\t'));
      }
    });
  command
    .command('rebuild')
    .argument('<name>', 'projection name (see `acci projections status`)')
    .description('Wipe the read model and replay every event; the active runner follows, or this command catches up itself')
    .action(async (name: string) => {
      const { asyncProjections, rebuildProjection, createUpcasters, createProjectionRunner, modules: all } = await load(modules);
      const projection = asyncProjections(all).find((p) => p.name === name);
      if (!projection) {
        process.stderr.write(`acci: unknown projection "${name}"\n`);
        process.exitCode = 2;
        return;
      }
      await withSystem(config(), async (system) => {
        await rebuildProjection(system, projection);
        const upcasters = createUpcasters(all.flatMap((m) => m.upcasters ?? []));
        const runner = createProjectionRunner({ projection, db: system, upcasters });
        try {
          const applied = await runner.catchUp();
          out(runner.isActive() ? `rebuilt ${name}: ${applied} events applied` : `reset ${name}: the active runner is replaying it`);
        } finally {
          await runner.stop();
        }
      });
    });
  command
    .command('rebase')
    .option('--force', 'renumber even when the stored transaction ids look current')
    .description('After restoring into a new cluster: renumber stored transaction ids below the new ones and move checkpoints')
    .action(async (options: { force?: boolean }) => {
      const { rebaseAfterRestore } = await load(modules);
      const result = await withSystem(config(), (system) => rebaseAfterRestore(system, { force: options.force ?? false }));
      out(result.events > 0 || result.needed
        ? `re-based ${result.events} events and ${result.checkpoints} checkpoints`
        : 'nothing to re-base: stored transaction ids are below the current one');
    });
  return command;
}
