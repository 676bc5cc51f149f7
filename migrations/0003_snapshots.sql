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
