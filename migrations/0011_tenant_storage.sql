-- Storage per tenant, part of its metrics: the bytes of every event it appended, counted by the
-- asynchronous projection tenant_storage (src/modules/tenants/projections.ts). The access module's
-- storage quota and the plan-downgrade rule read it.
CREATE TABLE tenant_storage (
  tenant_id  uuid        PRIMARY KEY,
  bytes      bigint      NOT NULL CHECK (bytes >= 0),
  events     bigint      NOT NULL CHECK (events >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tenant_storage ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_storage FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_storage_tenant_read ON tenant_storage FOR SELECT USING (tenant_id = acci_current_tenant());
DO $$ BEGIN EXECUTE format('CREATE POLICY tenant_storage_owner ON tenant_storage TO %I USING (true) WITH CHECK (true)', current_user); END $$;
-- Counted by the platform (system pool); requests only read it.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON tenant_storage FROM acci_app;
-- The system admin (platform scope) reads every tenant's figure, as for tenant_metrics.
CREATE POLICY tenant_storage_platform_read ON tenant_storage FOR SELECT
  USING (acci_current_tenant() = '00000000-0000-0000-0000-000000000000'::uuid);
