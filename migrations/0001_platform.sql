-- Platform baseline: the runtime role (created by the platform before migrations run) may use
-- what the owner creates, and row-level security policies read the tenant from app.tenant_id.
GRANT USAGE ON SCHEMA public TO acci_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO acci_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO acci_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO acci_app;

-- The tenant of the current transaction (SET LOCAL app.tenant_id), or NULL outside any tenant:
-- NULL matches no row, so forgetting to set it reveals nothing.
CREATE FUNCTION acci_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
