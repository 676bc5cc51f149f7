export { fold, type Decider, type DomainEvent, type EventOf, type CommandOf, type StateOf } from './decider.ts';
export {
  handleCommand, loadAggregate, DEFAULT_MAX_RETRIES,
  type HandleCommandOptions, type CommandOutcome, type LoadOptions, type LoadedAggregate,
} from './handle-command.ts';
export { createSnapshotStore, type SnapshotPolicy, type SnapshotStore, type Snapshot } from './snapshots.ts';
export {
  createCommandBus, eventContextOf, STANDARD_ORDER,
  type Command, type CommandBus, type CommandExecution, type CommandExecutor, type CommandHandlerContext,
  type CommandMiddleware, type CommandRegistration, type ExecutionOutcome,
} from './command-bus.ts';
export * from './middleware/index.ts';
export { standardCommandMiddleware, type StandardMiddlewareOptions } from './standard.ts';
export { createQueryBus, type Query, type QueryBus, type QueryExecutor, type QueryHandlerContext, type QueryRegistration } from './query-bus.ts';
export type { QueryCacheOptions } from './query-cache.ts';
export { commandFromRequest, queryFromRequest } from './http.ts';
export { createPlatformBuses, resolveBusPolicy, type BusPolicy } from './buses.ts';
export { pruneCommandLog } from './command-log.ts';
export { createGroupCommit, type GroupCommit, type GroupCommitOptions } from './group-commit.ts';
