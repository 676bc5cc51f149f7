-- Every sign-in from one address updates that address's row in auth_ip_failures, so sign-ins from
-- one address (a NAT, a proxy, a benchmark) queue for its lock. Since 0051 the lock was taken first
-- (an INSERT .. ON CONFLICT DO NOTHING, then SELECT .. FOR UPDATE: a lock record and a wait on any
-- writer of the row) and held through the account's checks and the credential read until COMMIT.
-- Now the address is read first without a lock (a refusal needs no lock), the account is decided,
-- and the attempt is counted on the address last, by one conditional UPDATE that refuses when the
-- window is full: the row is locked only for the account's UPDATE and the COMMIT that follow.
-- The limits are unchanged: the conditional UPDATE re-checks the count on the locked row.
CREATE OR REPLACE FUNCTION auth_begin_sign_in(
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
  v_last boolean := false;
  v_counted boolean;
  v_hash text;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  PERFORM set_config('synchronous_commit', 'off', true);

  -- An address over its limit is refused before anything else (no account state is revealed to it).
  SELECT * INTO v_ip FROM auth_ip_failures f WHERE f.ip_address = p_ip;
  IF FOUND AND v_ip.window_start + v_window > now() AND v_ip.failures >= p_ip_max_failures THEN
    RETURN QUERY SELECT greatest(1, ceil(extract(epoch FROM v_ip.window_start + v_window - now())))::int, NULL::int, NULL::int, NULL::int, NULL::text;
    RETURN;
  END IF;

  IF p_max_attempts > 0 THEN
    -- One statement that always ends with the row locked (a SELECT after an INSERT could find it
    -- deleted by a concurrent success, and the attempt would then count nowhere).
    INSERT INTO auth_login_failures AS a (tenant_id, subject) VALUES (p_tenant, p_subject)
    ON CONFLICT (tenant_id, subject) DO UPDATE SET subject = a.subject
    RETURNING * INTO v_account;
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
      v_last := true;
      v_locks_for := ceil(least(p_lock_max_seconds, p_lock_base_seconds * power(2, v_account.lock_count)))::int;
    END IF;
  END IF;

  v_hash := (SELECT c.password_hash FROM auth_credentials c WHERE c.tenant_id = p_tenant AND c.user_id = p_user);

  -- Count the attempt on the address: one statement that takes the row's lock and refuses when the
  -- window (restarted when it has passed) is full, so concurrent sign-ins never exceed the limit.
  UPDATE auth_ip_failures f
     SET failures = CASE WHEN f.window_start + v_window <= now() THEN 1 ELSE f.failures + 1 END,
         window_start = CASE WHEN f.window_start + v_window <= now() THEN now() ELSE f.window_start END
   WHERE f.ip_address = p_ip AND (f.window_start + v_window <= now() OR f.failures < p_ip_max_failures)
  RETURNING true INTO v_counted;
  IF v_counted IS NULL THEN
    INSERT INTO auth_ip_failures AS f (ip_address, window_start, failures) VALUES (p_ip, now(), 1)
    ON CONFLICT (ip_address) DO UPDATE
       SET failures = CASE WHEN f.window_start + v_window <= now() THEN 1 ELSE f.failures + 1 END,
           window_start = CASE WHEN f.window_start + v_window <= now() THEN now() ELSE f.window_start END
     WHERE f.window_start + v_window <= now() OR f.failures < p_ip_max_failures
    RETURNING true INTO v_counted;
  END IF;
  IF v_counted IS NULL THEN
    -- Filled by concurrent sign-ins since the first read: refused, the account untouched.
    SELECT * INTO v_ip FROM auth_ip_failures f WHERE f.ip_address = p_ip;
    RETURN QUERY SELECT greatest(1, ceil(extract(epoch FROM v_ip.window_start + v_window - now())))::int, NULL::int, NULL::int, NULL::int, NULL::text;
    RETURN;
  END IF;

  IF p_max_attempts > 0 THEN
    IF v_last THEN
      -- The last attempt allowed: pending until its caller says how it ended.
      UPDATE auth_login_failures a SET pending_until = now() + make_interval(secs => p_pending_seconds), last_failure_at = now()
       WHERE a.tenant_id = p_tenant AND a.subject = p_subject;
    ELSE
      UPDATE auth_login_failures a SET failures = a.failures + 1, last_failure_at = now()
       WHERE a.tenant_id = p_tenant AND a.subject = p_subject;
    END IF;
  END IF;
  RETURN QUERY SELECT NULL::int, NULL::int, v_locks_for, NULL::int, v_hash;
END $$;
