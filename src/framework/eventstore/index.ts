export * from './types.ts';
export { createEventStore, type EventStoreOptions, type PostgresEventStore } from './postgres.ts';
export { createUpcasters, type Upcaster, type Upcasters } from './upcasters.ts';
export { eventStoreErrors } from './errors.ts';
export { toRecordedEvent, type EventRow } from './rows.ts';
export { readEventsAfter } from './read.ts';
export { EVENTS_CHANNEL } from './notifier.ts';
export { uuidv7 } from './uuid7.ts';
