import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { PolicyEngine } from './engine.ts';

/** The policy files shipped with the project. */
export const POLICY_DIR = resolve(import.meta.dirname, '../../../../policies');
export const MODEL_FILE = resolve(POLICY_DIR, 'model.conf');
export const DEFAULT_POLICY_FILE = resolve(POLICY_DIR, 'default.csv');

/**
 * Reloads the base policy whenever its file changes (edits, atomic replace by editors or config
 * management). An invalid file is reported and the running policy stays in force.
 *
 * @example
 *   const stop = watchPolicyFile(engine, DEFAULT_POLICY_FILE, { onReload, onError });
 */
export function watchPolicyFile(
  engine: PolicyEngine,
  file: string,
  hooks: { onReload?: () => void; onError?: (error: unknown) => void; debounceMs?: number } = {},
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const reload = () => {
    running = running.then(async () => {
      try {
        await engine.loadBase(await readFile(file, 'utf8'), basename(file));
        hooks.onReload?.();
      } catch (error) {
        hooks.onError?.(error);
      }
    });
  };
  // The directory, not the file: editors replace files, which ends a watch on the old inode.
  const watcher: FSWatcher = watch(dirname(file), (_event, name) => {
    if (name !== null && name !== basename(file)) return;
    clearTimeout(timer);
    timer = setTimeout(reload, hooks.debounceMs ?? 50);
  });
  watcher.on('error', (error) => hooks.onError?.(error));
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
