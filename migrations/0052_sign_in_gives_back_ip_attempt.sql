-- A verified password gives its IP's reserved attempt back (0051) outside the sign-in's own
-- transaction: every sign-in from one address locks that address's row, and holding the lock
-- until the sign-in's durable commit made sign-ins from one address (a NAT, a benchmark) wait for
-- each other's WAL flushes. This commits without waiting for the flush (a lost give-back only
-- counts one success as a failure).
CREATE FUNCTION auth_give_back_ip_attempt(p_ip text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  UPDATE auth_ip_failures SET failures = greatest(failures - 1, 0) WHERE ip_address = p_ip;
END $$;
