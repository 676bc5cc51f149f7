-- The two hottest auth reads/writes as functions, so each costs one round trip and a cached plan
-- instead of BEGIN + SET LOCAL, a freshly planned statement and COMMIT (three round trips).
-- Both are called outside a transaction block: the call is its own transaction, and the tenant
-- they set (SET LOCAL semantics) ends with it. Row-level security applies as usual (invoker's rights).

-- Sign-in's only read before the argon2id verification: the per-IP and per-account throttle state
-- and the user's password hash (p_user NULL reads none). Waits are whole seconds, NULL when free.
CREATE FUNCTION auth_sign_in_state(p_tenant uuid, p_subject text, p_ip text, p_user uuid, p_ip_window_seconds float8, p_ip_max_failures int)
RETURNS TABLE (ip_wait int, account_wait int, has_failures boolean, password_hash text)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  RETURN QUERY SELECT
    (SELECT ceil(extract(epoch FROM f.window_start + make_interval(secs => p_ip_window_seconds) - now()))::int
       FROM auth_ip_failures f
      WHERE f.ip_address = p_ip AND f.failures >= p_ip_max_failures AND f.window_start + make_interval(secs => p_ip_window_seconds) > now()),
    (SELECT ceil(extract(epoch FROM a.locked_until - now()))::int
       FROM auth_login_failures a WHERE a.tenant_id = p_tenant AND a.subject = p_subject AND a.locked_until > now()),
    EXISTS (SELECT 1 FROM auth_login_failures a WHERE a.tenant_id = p_tenant AND a.subject = p_subject),
    (SELECT c.password_hash FROM auth_credentials c WHERE c.tenant_id = p_tenant AND c.user_id = p_user);
END $$;

-- Rotates a refresh token (POST /auth/refresh). Of two concurrent uses of one token exactly one
-- updates the row (the row lock serializes them; the loser then finds it rotated). Outcomes:
--   rotated        the family's session, its expiry slid by its idle timeout; the new token is stored
--   session_ended  the token was live but its session is revoked or expired (the token is spent)
--   reused         the token was rotated before, `rotated_ms_ago` ago (the caller decides on revocation)
--   (no row)       unknown, revoked or expired token, or another tenant's
-- A rotation commits without waiting for the WAL flush (synchronous_commit off for this
-- transaction only; no event and no audit fact ride on it): docs/security/authentication.md.
CREATE FUNCTION auth_rotate_refresh_token(p_tenant uuid, p_hash bytea, p_next bytea)
RETURNS TABLE (outcome text, family uuid, owner uuid, owner_role text, family_expires_at timestamptz, rotated_ms_ago float8)
LANGUAGE plpgsql AS $$
DECLARE
  v_session uuid;
  v_user uuid;
  v_role text;
  v_expires timestamptz;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  UPDATE auth_refresh_tokens t SET status = 'rotated', rotated_at = now()
   WHERE t.tenant_id = p_tenant AND t.token_hash = p_hash AND t.status = 'active' AND t.expires_at > now()
   RETURNING t.session_id INTO v_session;
  IF v_session IS NULL THEN
    RETURN QUERY
      SELECT 'reused'::text, t.session_id, s.user_id, NULL::text, NULL::timestamptz, (extract(epoch FROM now() - t.rotated_at) * 1000)::float8
        FROM auth_refresh_tokens t JOIN auth_sessions s ON s.tenant_id = t.tenant_id AND s.session_id = t.session_id
       WHERE t.tenant_id = p_tenant AND t.token_hash = p_hash AND t.status = 'rotated';
    RETURN;
  END IF;
  PERFORM set_config('synchronous_commit', 'off', true);
  UPDATE auth_sessions s SET last_activity = now(), expires_at = now() + make_interval(secs => s.idle_timeout_seconds)
   WHERE s.tenant_id = p_tenant AND s.session_id = v_session AND s.revoked_at IS NULL AND s.expires_at > now()
   RETURNING s.user_id, s.role, s.expires_at INTO v_user, v_role, v_expires;
  IF v_user IS NULL THEN
    RETURN QUERY SELECT 'session_ended'::text, v_session, NULL::uuid, NULL::text, NULL::timestamptz, NULL::float8;
    RETURN;
  END IF;
  INSERT INTO auth_refresh_tokens (tenant_id, token_hash, session_id, expires_at) VALUES (p_tenant, p_next, v_session, v_expires);
  RETURN QUERY SELECT 'rotated'::text, v_session, v_user, v_role, v_expires, NULL::float8;
END $$;
