-- The last sign-in attempt an account is allowed no longer locks the account in advance. Since 0051
-- it set the lock when it was reserved ("locked unless it succeeds"), so sign-ins with the right
-- password that ran beside it were refused with 423 for the lock's whole duration (16 parallel
-- sign-ins of one account with maxLoginAttempts 5: 123 of 1,161 refused in a load test).
-- Now that attempt is pending (`pending_until`) while its password is verified: others for the
-- account wait for its outcome (the caller polls: `pending_wait_ms`). It fails: the lock is set
-- then (`auth_lock_after_last_attempt`). It succeeds: the row is deleted, as after any success.
-- A pending attempt whose process never reported back (a crash mid-verification) counts as a failed
-- one once `pending_until` has passed, so a crash never grants a guess.
ALTER TABLE auth_login_failures ADD COLUMN pending_until timestamptz;

DROP FUNCTION auth_begin_sign_in(uuid, text, text, uuid, float8, int, int, float8, float8);
CREATE FUNCTION auth_begin_sign_in(
  p_tenant uuid, p_subject text, p_ip text, p_user uuid,
  p_ip_window_seconds float8, p_ip_max_failures int, p_max_attempts int, p_lock_base_seconds float8, p_lock_max_seconds float8,
  p_pending_seconds float8)
RETURNS TABLE (ip_wait int, account_wait int, locks_for int, pending_wait_ms int, password_hash text)
LANGUAGE plpgsql AS $$
DECLARE
  v_window interval := make_interval(secs => p_ip_window_seconds);
  v_ip auth_ip_failures%ROWTYPE;
  v_account auth_login_failures%ROWTYPE;
  v_locks_for int;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  PERFORM set_config('synchronous_commit', 'off', true);

  INSERT INTO auth_ip_failures (ip_address, window_start, failures) VALUES (p_ip, now(), 0) ON CONFLICT (ip_address) DO NOTHING;
  SELECT * INTO v_ip FROM auth_ip_failures f WHERE f.ip_address = p_ip FOR UPDATE;
  IF v_ip.window_start + v_window <= now() THEN
    v_ip.window_start := now();
    v_ip.failures := 0;
  END IF;
  IF v_ip.failures >= p_ip_max_failures THEN
    RETURN QUERY SELECT greatest(1, ceil(extract(epoch FROM v_ip.window_start + v_window - now())))::int, NULL::int, NULL::int, NULL::int, NULL::text;
    RETURN;
  END IF;

  IF p_max_attempts > 0 THEN
    INSERT INTO auth_login_failures (tenant_id, subject) VALUES (p_tenant, p_subject) ON CONFLICT (tenant_id, subject) DO NOTHING;
    SELECT * INTO v_account FROM auth_login_failures a WHERE a.tenant_id = p_tenant AND a.subject = p_subject FOR UPDATE;
    IF v_account.pending_until IS NOT NULL AND v_account.pending_until > now() THEN
      -- The last allowed attempt is being verified: nothing is counted; ask again shortly.
      RETURN QUERY SELECT NULL::int, NULL::int, NULL::int,
        greatest(1, ceil(extract(epoch FROM v_account.pending_until - now()) * 1000))::int, NULL::text;
      RETURN;
    END IF;
    IF v_account.pending_until IS NOT NULL THEN
      -- Never reported back: a failed attempt.
      v_locks_for := ceil(least(p_lock_max_seconds, p_lock_base_seconds * power(2, v_account.lock_count)))::int;
      UPDATE auth_login_failures a SET failures = 0, lock_count = a.lock_count + 1, pending_until = NULL,
             locked_until = now() + make_interval(secs => v_locks_for), last_failure_at = now()
       WHERE a.tenant_id = p_tenant AND a.subject = p_subject;
      RETURN QUERY SELECT NULL::int, v_locks_for, NULL::int, NULL::int, NULL::text;
      RETURN;
    END IF;
    IF v_account.locked_until > now() THEN
      RETURN QUERY SELECT NULL::int, greatest(1, ceil(extract(epoch FROM v_account.locked_until - now())))::int, NULL::int, NULL::int, NULL::text;
      RETURN;
    END IF;
    IF v_account.failures + 1 >= p_max_attempts THEN
      -- The last attempt allowed: pending until its caller says how it ended.
      v_locks_for := ceil(least(p_lock_max_seconds, p_lock_base_seconds * power(2, v_account.lock_count)))::int;
      UPDATE auth_login_failures a SET pending_until = now() + make_interval(secs => p_pending_seconds), last_failure_at = now()
       WHERE a.tenant_id = p_tenant AND a.subject = p_subject;
    ELSE
      UPDATE auth_login_failures a SET failures = a.failures + 1, last_failure_at = now()
       WHERE a.tenant_id = p_tenant AND a.subject = p_subject;
    END IF;
  END IF;

  UPDATE auth_ip_failures f SET failures = v_ip.failures + 1, window_start = v_ip.window_start WHERE f.ip_address = p_ip;
  RETURN QUERY SELECT NULL::int, NULL::int, v_locks_for, NULL::int,
    (SELECT c.password_hash FROM auth_credentials c WHERE c.tenant_id = p_tenant AND c.user_id = p_user);
END $$;

-- The pending last attempt failed: the account is locked from now on for the back-off it was given.
CREATE FUNCTION auth_lock_after_last_attempt(p_tenant uuid, p_subject text, p_locks_for int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  UPDATE auth_login_failures a SET failures = 0, lock_count = a.lock_count + 1, pending_until = NULL,
         locked_until = now() + make_interval(secs => p_locks_for), last_failure_at = now()
   WHERE a.tenant_id = p_tenant AND a.subject = p_subject AND a.pending_until IS NOT NULL;
END $$;

-- Replaced by auth_begin_sign_in in 0051 and unused since.
DROP FUNCTION auth_sign_in_state(uuid, text, text, uuid, float8, int);
