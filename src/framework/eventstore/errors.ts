import { AppError, commonErrors } from '../errors/index.ts';

/** Error catalog of the event store (codes are stable; messages in locales/<lang>/eventstore.ftl). */
export const eventStoreErrors = {
  /** The stream is not at the expected version (409). */
  versionConflict: (streamId: string, expected: string, actual: string) => commonErrors.versionConflict(streamId, expected, actual),
  /** An event with this id is already stored (409): a repeated append is refused, not duplicated. */
  duplicateEvent: (eventId: string) => new AppError('eventstore.duplicate_event', 409, { eventId }),
  /** The append or read arguments are invalid (a programming error surfaced as 400). */
  invalidAppend: (reason: string) => new AppError('eventstore.invalid_append', 400, { reason }),
};

type PgError = { code?: string; constraint?: string; detail?: string };

/** A concurrent writer claimed the same stream version first. */
export const isVersionCollision = (error: unknown): boolean =>
  (error as PgError | null)?.code === '23505' && (error as PgError).constraint === 'events_pkey';

/** Translates what PostgreSQL raised during an append into the catalog above. */
export function translateAppendError(error: unknown, streamId: string, expected: string, eventIds: readonly string[], actual = '?'): unknown {
  const pgError = error as PgError | null;
  if (pgError?.code === '23505' && pgError.constraint === 'events_event_id_key') {
    // PostgreSQL omits the key from the detail under row-level security; then name every candidate.
    const match = /\(event_id\)=\(([^)]+)\)/.exec(pgError.detail ?? '');
    return eventStoreErrors.duplicateEvent(match?.[1] ?? eventIds.join(', '));
  }
  if (isVersionCollision(error)) return eventStoreErrors.versionConflict(streamId, expected, actual);
  return error;
}
