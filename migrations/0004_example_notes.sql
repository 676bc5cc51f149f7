-- The example module (src/modules/example-notes): its read model and its uniqueness claims.
-- Both are tenant tables: tenant_id first in every key, row-level security forced.
CREATE TABLE example_notes (
  tenant_id  uuid        NOT NULL,
  note_id    uuid        NOT NULL,
  title      text        NOT NULL,
  body       text        NOT NULL,
  status     text        NOT NULL CHECK (status IN ('active', 'archived')),
  version    integer     NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, note_id)
);
CREATE INDEX example_notes_listing ON example_notes (tenant_id, status, created_at DESC, note_id);

-- A title is used by at most one active note per tenant: claimed in the append's transaction.
CREATE TABLE example_note_titles (
  tenant_id uuid NOT NULL,
  title_key text NOT NULL,
  note_id   uuid NOT NULL,
  PRIMARY KEY (tenant_id, title_key)
);

ALTER TABLE example_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE example_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY example_notes_tenant_isolation ON example_notes
  USING (tenant_id = acci_current_tenant()) WITH CHECK (tenant_id = acci_current_tenant());
ALTER TABLE example_note_titles ENABLE ROW LEVEL SECURITY;
ALTER TABLE example_note_titles FORCE ROW LEVEL SECURITY;
CREATE POLICY example_note_titles_tenant_isolation ON example_note_titles
  USING (tenant_id = acci_current_tenant()) WITH CHECK (tenant_id = acci_current_tenant());

-- The owner rebuilds the read model across tenants (projection reset/rebuild) even when it is not
-- a superuser; the runtime role never gets these policies.
DO $$
BEGIN
  EXECUTE format('CREATE POLICY example_notes_owner ON example_notes TO %I USING (true) WITH CHECK (true)', current_user);
  EXECUTE format('CREATE POLICY example_note_titles_owner ON example_note_titles TO %I USING (true) WITH CHECK (true)', current_user);
END $$;
