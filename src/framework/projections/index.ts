export { defineProjection, applyToProjection, handledTypes, EVERY_EVENT, type Projection, type ProjectionHandler } from './types.ts';
export { createProjectionRunner, type ProjectionRunner, type ProjectionRunnerOptions } from './runner.ts';
export { projectionStatus, registerProjectionMetrics, oldestWriterSeconds, type ProjectionStatus } from './status.ts';
export { rebuildProjection, rebaseAfterRestore, REBASED_TRANSACTION_ID, type RebaseResult } from './operations.ts';
export { advanceCheckpointOrRefuse, CHECKPOINT_MOVED, readCheckpoint, type StoredCheckpoint } from './checkpoints.ts';
