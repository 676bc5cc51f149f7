-- Access control read models (inline projections of the role events in stream roles-<tenantId>)
-- and tenant quota usage. Every change to roles or assignments notifies channel acci_access with
-- the tenant id, so every instance reloads that tenant's policy at commit.
CREATE TABLE access_roles (
  tenant_id   uuid        NOT NULL,
  name        text        NOT NULL CHECK (name ~ '^custom:[a-z0-9][a-z0-9_-]{0,48}$'),
  description text        NOT NULL DEFAULT '',
  permissions text[]      NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, name)
);

CREATE TABLE access_role_assignments (
  tenant_id   uuid        NOT NULL,
  user_id     uuid        NOT NULL,
  role        text        NOT NULL,
  assigned_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, user_id, role)
);
CREATE INDEX access_role_assignments_role ON access_role_assignments (tenant_id, role);

-- API calls per tenant and calendar month (UTC), flushed in batches by every instance.
CREATE TABLE access_usage (
  tenant_id uuid   NOT NULL,
  period    text   NOT NULL CHECK (period ~ '^[0-9]{4}-[0-9]{2}$'),
  api_calls bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, period)
);

ALTER TABLE access_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_roles FORCE ROW LEVEL SECURITY;
CREATE POLICY access_roles_tenant_isolation ON access_roles
  USING (tenant_id = acci_current_tenant()) WITH CHECK (tenant_id = acci_current_tenant());
ALTER TABLE access_role_assignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_role_assignments FORCE ROW LEVEL SECURITY;
CREATE POLICY access_role_assignments_tenant_isolation ON access_role_assignments
  USING (tenant_id = acci_current_tenant()) WITH CHECK (tenant_id = acci_current_tenant());
ALTER TABLE access_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY access_usage_tenant_isolation ON access_usage
  USING (tenant_id = acci_current_tenant()) WITH CHECK (tenant_id = acci_current_tenant());
-- Usage is counted by the platform (system pool); requests only read it.
REVOKE INSERT, UPDATE, DELETE ON access_usage FROM acci_app;

CREATE FUNCTION acci_access_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('acci_access', OLD.tenant_id::text);
  ELSE
    PERFORM pg_notify('acci_access', NEW.tenant_id::text);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER access_roles_notify AFTER INSERT OR UPDATE OR DELETE ON access_roles
  FOR EACH ROW EXECUTE FUNCTION acci_access_notify();
CREATE TRIGGER access_role_assignments_notify AFTER INSERT OR UPDATE OR DELETE ON access_role_assignments
  FOR EACH ROW EXECUTE FUNCTION acci_access_notify();
