-- Sign-in's user lookup (by tenant and e-mail) as one function call: one round trip and a cached
-- plan instead of BEGIN + SET LOCAL, a SELECT and COMMIT (three round trips on every sign-in).
-- Called outside a transaction block, like the auth functions of 0025: the call is its own
-- transaction and the tenant it sets (SET LOCAL semantics) ends with it. Row-level security applies
-- as usual (invoker's rights), and the explicit tenant predicate keeps the index lookup exact.
CREATE FUNCTION users_login_profile(p_tenant uuid, p_email text)
RETURNS SETOF user_profiles
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  RETURN QUERY SELECT * FROM user_profiles u WHERE u.tenant_id = p_tenant AND u.email_lower = lower(p_email) LIMIT 1;
END $$;
