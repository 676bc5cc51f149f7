-- The owner (system pool: projection runners, the API-call counter's flush) writes the access
-- tables across tenants even when it is not a superuser; 0030 forgot these policies.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['access_usage', 'access_roles', 'access_role_assignments'] LOOP
    EXECUTE format('CREATE POLICY %I ON %I TO %I USING (true) WITH CHECK (true)', t || '_owner', t, current_user);
  END LOOP;
END $$;
