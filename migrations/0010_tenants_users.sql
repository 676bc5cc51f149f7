-- Tenants and users (issue 4): write-side guards (uniqueness claims, per-tenant user counters,
-- invitation tokens) and read models (tenant details, tenant metrics, user profiles).
-- Every table: tenant_id first in the key, row-level security enabled and forced.

-- Uniqueness that must hold under concurrency, claimed in the same transaction as the append:
--   scope 'tenant.slug' / 'tenant.custom_domain' under the platform tenant (global),
--   scope 'user.email' under the user's tenant (value lower-cased).
CREATE TABLE unique_claims (
  tenant_id uuid NOT NULL,
  scope text NOT NULL,
  value text NOT NULL,
  owner_id uuid NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, scope, value)
);

-- Write-side gate per tenant, maintained by tenant commands in their own transactions: what user
-- commands must know (status, seat limit = min(maxUsers, plan limit), self-service, name) and the
-- number of admins (the last one cannot go). Locked only by tenant commands and admin changes.
CREATE TABLE tenant_gates (
  tenant_id uuid NOT NULL PRIMARY KEY,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'active',
  seat_limit integer NOT NULL CHECK (seat_limit >= 0),
  self_service boolean NOT NULL DEFAULT false,
  admins integer NOT NULL DEFAULT 0 CHECK (admins >= 0)
);

-- Seats (users not deactivated) and active non-admin members, split over a few stripes so parallel
-- registrations of one tenant lock different rows. Each stripe holds an allowance; the allowances
-- add up to the tenant's seat limit, so no interleaving can exceed it. A stripe that runs out is
-- refilled by locking all stripes and redistributing what is left (see guards.ts).
CREATE TABLE tenant_seat_stripes (
  tenant_id uuid NOT NULL,
  stripe smallint NOT NULL,
  status text NOT NULL DEFAULT 'active',
  allowance integer NOT NULL CHECK (allowance >= 0),
  used integer NOT NULL DEFAULT 0 CHECK (used >= 0),
  active_members integer NOT NULL DEFAULT 0 CHECK (active_members >= 0),
  PRIMARY KEY (tenant_id, stripe)
);

-- Invitation tokens: only the SHA-256 of the token is stored; single use, expiring.
CREATE TABLE user_invitations (
  tenant_id uuid NOT NULL,
  token_hash bytea NOT NULL,
  user_id uuid NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, token_hash)
);
CREATE INDEX user_invitations_user_idx ON user_invitations (tenant_id, user_id);

-- Read model "tenant.details": one row per tenant, keyed by the tenant's own id.
CREATE TABLE tenant_details (
  tenant_id uuid NOT NULL PRIMARY KEY,
  name text NOT NULL,
  slug text NOT NULL,
  subscription_plan text NOT NULL,
  admin_email text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  settings jsonb NOT NULL,
  custom_domain text,
  status text NOT NULL,
  deletion_reason text,
  data_retention_period text,
  purge_after timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL
);
CREATE INDEX tenant_details_slug_idx ON tenant_details (slug);
CREATE INDEX tenant_details_domain_idx ON tenant_details (custom_domain) WHERE custom_domain IS NOT NULL;
CREATE INDEX tenant_details_created_idx ON tenant_details (created_at, tenant_id);

-- Read model "tenant.metrics".
CREATE TABLE tenant_metrics (
  tenant_id uuid NOT NULL PRIMARY KEY,
  total_users integer NOT NULL DEFAULT 0,
  active_users integer NOT NULL DEFAULT 0,
  last_activity timestamptz
);

-- Read model "user.profile".
CREATE TABLE user_profiles (
  tenant_id uuid NOT NULL,
  user_id uuid NOT NULL,
  email text NOT NULL,
  email_lower text NOT NULL,
  display_name text,
  role text NOT NULL,
  status text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  registration_source text NOT NULL,
  email_confirmed boolean NOT NULL DEFAULT false,
  deactivation_type text,
  deactivation_reason text,
  reactivation_date timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  last_login timestamptz,
  version bigint NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX user_profiles_email_idx ON user_profiles (tenant_id, email_lower text_pattern_ops);
CREATE INDEX user_profiles_created_idx ON user_profiles (tenant_id, created_at, user_id);
CREATE INDEX user_profiles_reactivation_idx ON user_profiles (reactivation_date) WHERE reactivation_date IS NOT NULL;

-- Idempotency-Key records (src/framework/http/idempotency.ts): per tenant and caller.
CREATE TABLE idempotency_keys (
  tenant_id uuid NOT NULL,
  caller text NOT NULL,
  key text NOT NULL,
  method text NOT NULL,
  path text NOT NULL,
  request_hash text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'done')),
  response_status integer,
  response_headers jsonb,
  response_body text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, caller, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['unique_claims', 'tenant_gates', 'tenant_seat_stripes', 'user_invitations', 'tenant_details', 'tenant_metrics', 'user_profiles', 'idempotency_keys'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = acci_current_tenant()) WITH CHECK (tenant_id = acci_current_tenant())', t || '_tenant', t);
    -- The owner (db.system: projection rebuilds, purge jobs) works across tenants.
    EXECUTE format('CREATE POLICY %I ON %I TO %I USING (true) WITH CHECK (true)', t || '_owner', t, current_user);
  END LOOP;
END $$;

-- System admins work in the platform tenant; the tenant directory (list all tenants, find a tenant
-- by slug or custom domain for sign-in) is readable — never writable — from that scope.
CREATE POLICY tenant_details_platform_read ON tenant_details FOR SELECT
  USING (acci_current_tenant() = '00000000-0000-0000-0000-000000000000'::uuid);
CREATE POLICY tenant_metrics_platform_read ON tenant_metrics FOR SELECT
  USING (acci_current_tenant() = '00000000-0000-0000-0000-000000000000'::uuid);

REVOKE TRUNCATE ON unique_claims, tenant_gates, tenant_seat_stripes, user_invitations, tenant_details, tenant_metrics, user_profiles, idempotency_keys FROM acci_app;
