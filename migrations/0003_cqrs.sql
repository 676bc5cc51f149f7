-- The CQRS framework's tables: decider snapshots and the idempotent command log.

-- Snapshots of decider state, so loading a long stream reads the snapshot plus only newer events.
-- One row per (tenant, stream, snapshot name); a changed state shape bumps schema_version, and a
-- snapshot of another schema version is ignored (and overwritten by the next one).
CREATE TABLE snapshots (
  tenant_id      uuid        NOT NULL,
  stream_id      text        NOT NULL,
  name           text        NOT NULL,
  schema_version integer     NOT NULL,
  version        bigint      NOT NULL CHECK (version > 0),
  state          jsonb       NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, stream_id, name)
);

ALTER TABLE snapshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE snapshots FORCE ROW LEVEL SECURITY;
CREATE POLICY snapshots_tenant_isolation ON snapshots
  USING (tenant_id = acci_current_tenant())
  WITH CHECK (tenant_id = acci_current_tenant());

-- Idempotent commands: the first execution of a command id records its result in the same
-- transaction as its events; a repeat (or a concurrent twin, which waits on the primary key)
-- reads that result instead of executing again.
CREATE TABLE command_log (
  tenant_id    uuid        NOT NULL,
  command_id   text        NOT NULL CHECK (length(command_id) BETWEEN 1 AND 200),
  command_type text        NOT NULL,
  -- Hash of (type, payload, acting user): the same id with another request is refused.
  request_hash text        NOT NULL,
  result       jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, command_id)
);
CREATE INDEX command_log_created_at ON command_log (created_at);

ALTER TABLE command_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE command_log FORCE ROW LEVEL SECURITY;
CREATE POLICY command_log_tenant_isolation ON command_log
  USING (tenant_id = acci_current_tenant())
  WITH CHECK (tenant_id = acci_current_tenant());
-- The owner (platform work: pruning, tenant purge) sees every tenant even when it is not a
-- superuser; the runtime role never gets these policies.
DO $$
BEGIN
  EXECUTE format('CREATE POLICY snapshots_owner ON snapshots TO %I USING (true) WITH CHECK (true)', current_user);
  EXECUTE format('CREATE POLICY command_log_owner ON command_log TO %I USING (true) WITH CHECK (true)', current_user);
END $$;

-- The runtime role claims and completes entries; pruning old entries is platform work.
REVOKE DELETE ON command_log FROM acci_app;
