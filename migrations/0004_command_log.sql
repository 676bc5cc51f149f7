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
-- The runtime role claims and completes entries; pruning old entries is platform work.
REVOKE DELETE ON command_log FROM acci_app;
