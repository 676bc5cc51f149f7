-- A sign-in reserves its attempt before the password is verified. Until now the throttle was read
-- before the argon2id verification and a failure counted after it, so concurrent guesses were all
-- checked against the real password (an outside audit got a session from a burst of 40 guesses
-- against an account with maxLoginAttempts 3). Now the attempt is counted first, under a row lock:
-- at most maxLoginAttempts passwords are verified per lock window, and at most ipMaxFailures per IP
-- and window, however many requests are in flight. A verified password takes its attempt back
-- (`recordSuccess`: the account's failures are forgotten and the IP's count goes down by one).
-- The reservation commits without waiting for the WAL flush: a crash can lose the last fraction of
-- a second of reservations, which allows that many more guesses at most.
CREATE FUNCTION auth_begin_sign_in(
  p_tenant uuid, p_subject text, p_ip text, p_user uuid,
  p_ip_window_seconds float8, p_ip_max_failures int, p_max_attempts int, p_lock_base_seconds float8, p_lock_max_seconds float8)
RETURNS TABLE (ip_wait int, account_wait int, locks_for int, password_hash text)
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
    RETURN QUERY SELECT greatest(1, ceil(extract(epoch FROM v_ip.window_start + v_window - now())))::int, NULL::int, NULL::int, NULL::text;
    RETURN;
  END IF;

  IF p_max_attempts > 0 THEN
    INSERT INTO auth_login_failures (tenant_id, subject) VALUES (p_tenant, p_subject) ON CONFLICT (tenant_id, subject) DO NOTHING;
    SELECT * INTO v_account FROM auth_login_failures a WHERE a.tenant_id = p_tenant AND a.subject = p_subject FOR UPDATE;
    IF v_account.locked_until > now() THEN
      RETURN QUERY SELECT NULL::int, greatest(1, ceil(extract(epoch FROM v_account.locked_until - now())))::int, NULL::int, NULL::text;
      RETURN;
    END IF;
    IF v_account.failures + 1 >= p_max_attempts THEN
      -- This attempt is the last one allowed: unless it succeeds, the account is locked from now on.
      v_locks_for := ceil(least(p_lock_max_seconds, p_lock_base_seconds * power(2, v_account.lock_count)))::int;
      UPDATE auth_login_failures a SET failures = 0, lock_count = a.lock_count + 1,
             locked_until = now() + make_interval(secs => v_locks_for), last_failure_at = now()
       WHERE a.tenant_id = p_tenant AND a.subject = p_subject;
    ELSE
      UPDATE auth_login_failures a SET failures = a.failures + 1, last_failure_at = now()
       WHERE a.tenant_id = p_tenant AND a.subject = p_subject;
    END IF;
  END IF;

  UPDATE auth_ip_failures f SET failures = v_ip.failures + 1, window_start = v_ip.window_start WHERE f.ip_address = p_ip;
  RETURN QUERY SELECT NULL::int, NULL::int, v_locks_for,
    (SELECT c.password_hash FROM auth_credentials c WHERE c.tenant_id = p_tenant AND c.user_id = p_user);
END $$;
