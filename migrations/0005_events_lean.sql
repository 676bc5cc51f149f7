-- A leaner events row (issue 3, measured in bench/eventstore.ts and docs/development/event-store.md):
--   * correlation, causation and acting user become plain columns instead of one metadata jsonb
--     per event: no JSON document to build, store and take apart on every append and read;
--   * the per-tenant commit-order index goes: every event paid a fourth index insert for it, while
--     a tenant-scoped readAll walks events_commit_order_idx and filters by tenant (row-level
--     security adds the same filter on db.app anyway).
-- Events keep every guarantee: the primary key guards stream versions, events_event_id_key keeps
-- event ids unique, events_commit_order_idx serves the never-skip commit-order read.
-- Existing rows are converted in place (one UPDATE; run VACUUM events afterwards on a large table).

ALTER TABLE events
  ADD COLUMN correlation_id text,
  ADD COLUMN causation_id text,
  ADD COLUMN user_id text;

UPDATE events SET
  correlation_id = coalesce(metadata->>'correlationId', ''),
  causation_id = metadata->>'causationId',
  user_id = metadata->>'userId';

ALTER TABLE events
  ALTER COLUMN correlation_id SET NOT NULL,
  DROP COLUMN metadata;

DROP INDEX events_tenant_commit_order_idx;
