-- Self-service registration of an address that already has an account mails its owner a notice
-- (auth flows.ts `register`), at most one per account and hour: per account the last notice sent
-- and the attempts. Every attempt writes its row, as a new account's registration writes its own.
CREATE TABLE auth_registration_notices (
  tenant_id uuid NOT NULL,
  user_id uuid NOT NULL,
  sent_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 1,
  last_attempt_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);
ALTER TABLE auth_registration_notices ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_registration_notices FORCE ROW LEVEL SECURITY;
CREATE POLICY auth_registration_notices_tenant ON auth_registration_notices
  USING (tenant_id = acci_current_tenant()) WITH CHECK (tenant_id = acci_current_tenant());
DO $$ BEGIN
  EXECUTE format('CREATE POLICY auth_registration_notices_owner ON auth_registration_notices TO %I USING (true) WITH CHECK (true)', current_user);
END $$;
REVOKE TRUNCATE ON auth_registration_notices FROM acci_app;
