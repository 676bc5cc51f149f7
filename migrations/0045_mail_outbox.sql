-- Transactional mail outbox (src/framework/mail/outbox.ts): a command that must send a mail writes
-- it here in its own transaction, so the mail exists exactly when the change committed (a rolled
-- back command sends nothing, a crash after commit loses nothing). A worker in every server process
-- claims due rows with FOR UPDATE SKIP LOCKED and a lease (next_attempt_at moves forward), renders
-- and sends them, then deletes them; failures retry with back-off and are parked after the last
-- attempt (parked_at, last_error). Rows hold what the template needs (for invitations: the link with
-- its token), so sent rows are deleted at once.
CREATE TABLE mail_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL,
  template text NOT NULL,
  language text NOT NULL,
  recipient text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}',
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  parked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE parked_at IS NULL;
CREATE INDEX mail_outbox_tenant_idx ON mail_outbox (tenant_id);

-- Commands (runtime role) queue mail only inside their own tenant; the worker (owner) works across tenants.
ALTER TABLE mail_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE mail_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY mail_outbox_tenant ON mail_outbox USING (tenant_id = acci_current_tenant()) WITH CHECK (tenant_id = acci_current_tenant());
DO $$ BEGIN EXECUTE format('CREATE POLICY mail_outbox_owner ON mail_outbox TO %I USING (true) WITH CHECK (true)', current_user); END $$;
REVOKE TRUNCATE ON mail_outbox FROM acci_app;
