-- Storage used per tenant: the bytes of its events' data, counted by the asynchronous projection
-- access_storage (src/modules/access/storage.ts) and read by the quota check and the usage API.
CREATE TABLE access_storage (
  tenant_id  uuid        PRIMARY KEY,
  bytes      bigint      NOT NULL CHECK (bytes >= 0),
  events     bigint      NOT NULL CHECK (events >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE access_storage ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_storage FORCE ROW LEVEL SECURITY;
CREATE POLICY access_storage_tenant_read ON access_storage FOR SELECT USING (tenant_id = acci_current_tenant());
-- Counted by the platform (system pool); requests only read it.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON access_storage FROM acci_app;

-- The owner (system pool: projection runners, the API-call counter's flush) writes across tenants
-- even when it is not a superuser; 0030 forgot these policies for its tables.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['access_storage', 'access_usage', 'access_roles', 'access_role_assignments'] LOOP
    EXECUTE format('CREATE POLICY %I ON %I TO %I USING (true) WITH CHECK (true)', t || '_owner', t, current_user);
  END LOOP;
END $$;
