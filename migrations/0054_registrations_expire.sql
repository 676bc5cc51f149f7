-- Self-service registrations expire unless their address is confirmed in time (users module,
-- due.ts): `confirm_by` is set from `user.registered` and cleared by confirmation, an admin's change
-- or deactivation, and the expiry itself; the due work finds the expired ones through the index.
ALTER TABLE user_profiles ADD COLUMN confirm_by timestamptz;
CREATE INDEX user_profiles_confirm_by_idx ON user_profiles (confirm_by, user_id) WHERE confirm_by IS NOT NULL;

-- An expired registration keeps its row (deactivated) but gives its address back, so an address may
-- now have several rows: sign-in takes the account that is not deactivated, else the newest.
CREATE OR REPLACE FUNCTION users_login_profile(p_tenant uuid, p_email text)
RETURNS SETOF user_profiles
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  RETURN QUERY SELECT * FROM user_profiles u WHERE u.tenant_id = p_tenant AND u.email_lower = lower(p_email)
    ORDER BY u.status = 'deactivated', u.created_at DESC LIMIT 1;
END $$;
