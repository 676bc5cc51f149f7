-- Authentication write models. Secrets (password hashes, token hashes, private keys) live only
-- here, never in the event log; the matching events (user.password_changed, auth.*) are appended
-- in the same transaction by the auth module.

-- Password credentials, one row per user. `version` counts password changes (the stream version
-- of credentials-<userId> after the change).
CREATE TABLE auth_credentials (
  tenant_id uuid NOT NULL,
  user_id uuid NOT NULL,
  password_hash text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);

-- A session is one sign-in on one device; it is also the refresh-token family.
CREATE TABLE auth_sessions (
  tenant_id uuid NOT NULL,
  session_id uuid NOT NULL,
  user_id uuid NOT NULL,
  role text NOT NULL,
  auth_method text NOT NULL DEFAULT 'password',
  ip_address text,
  user_agent text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_activity timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  -- The tenant's sessionTimeout when the session began: each refresh extends expires_at by it.
  idle_timeout_seconds integer NOT NULL,
  revoked_at timestamptz,
  revoked_reason text,
  PRIMARY KEY (tenant_id, session_id)
);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (tenant_id, user_id, created_at DESC);

-- Opaque refresh tokens, stored as SHA-256 hashes; every use rotates (status active -> rotated).
CREATE TABLE auth_refresh_tokens (
  tenant_id uuid NOT NULL,
  token_hash bytea NOT NULL,
  session_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'rotated', 'revoked')),
  created_at timestamptz NOT NULL DEFAULT now(),
  rotated_at timestamptz,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, token_hash)
);
CREATE INDEX auth_refresh_tokens_session_idx ON auth_refresh_tokens (tenant_id, session_id);

-- Single-use, expiring action tokens (password reset and e-mail confirmation by mail, the MFA
-- challenge of a half-finished sign-in), hashed.
CREATE TABLE auth_action_tokens (
  tenant_id uuid NOT NULL,
  token_hash bytea NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('password_reset', 'email_confirmation', 'mfa_challenge')),
  user_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (tenant_id, token_hash)
);
CREATE INDEX auth_action_tokens_user_idx ON auth_action_tokens (tenant_id, user_id, purpose);

-- Per-account failed sign-ins, keyed by the normalized e-mail (so unknown addresses behave the
-- same as known ones), with the lock and its growing back-off.
CREATE TABLE auth_login_failures (
  tenant_id uuid NOT NULL,
  subject text NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  lock_count integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_failure_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, subject)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['auth_credentials', 'auth_sessions', 'auth_refresh_tokens', 'auth_action_tokens', 'auth_login_failures'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = acci_current_tenant())', t || '_tenant', t);
    EXECUTE format('CREATE POLICY %I ON %I TO %I USING (true) WITH CHECK (true)', t || '_owner', t, current_user);
  END LOOP;
END $$;

-- Platform-wide tables (not tenant data):
-- Failed sign-ins per client IP across every tenant and account (fixed windows).
CREATE TABLE auth_ip_failures (
  ip_address text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  failures integer NOT NULL
);

-- The revocation index every process keeps in memory: only session ids (random UUIDs) and until
-- when their access tokens could still be valid. Appending notifies the other processes.
CREATE TABLE auth_revoked_sessions (
  seq bigserial PRIMARY KEY,
  session_id uuid NOT NULL,
  valid_until timestamptz NOT NULL
);
CREATE INDEX auth_revoked_sessions_valid_idx ON auth_revoked_sessions (valid_until);
REVOKE UPDATE, DELETE, TRUNCATE ON auth_revoked_sessions FROM acci_app;

CREATE FUNCTION auth_revoked_sessions_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('acci_auth_revoked', NEW.seq::text || ':' || NEW.session_id::text);
  RETURN NEW;
END $$;
CREATE TRIGGER auth_revoked_sessions_notify AFTER INSERT ON auth_revoked_sessions
  FOR EACH ROW EXECUTE FUNCTION auth_revoked_sessions_notify();

-- JWT signing keys; private keys sealed with AES-256-GCM under the master key. The runtime role
-- cannot read private keys: they are loaded and rotated by platform work (db.system).
CREATE TABLE auth_signing_keys (
  kid text PRIMARY KEY,
  algorithm text NOT NULL,
  public_jwk jsonb NOT NULL,
  private_key_sealed bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- After this the key no longer signs; it stays published until every token it signed expired.
  retired_at timestamptz,
  -- After this it is no longer published in the JWKS.
  expires_at timestamptz
);
REVOKE ALL ON auth_signing_keys FROM acci_app;
-- ...except the public half, so a process can learn a key another process just rotated in.
GRANT SELECT (kid, algorithm, public_jwk, created_at, retired_at, expires_at) ON auth_signing_keys TO acci_app;
