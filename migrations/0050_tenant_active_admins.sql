-- The last ACTIVE admin of a tenant cannot be deactivated, demoted or locked (SPEC §3). The gate
-- counted every admin who was not deactivated, invited ones included, so an invited admin let the
-- only active one go and left the tenant with nobody who could sign in to administer it. The gate
-- now also counts active admins, guarded the same way (a conditional UPDATE, so two concurrent
-- changes cannot both take the last one).
ALTER TABLE tenant_gates ADD COLUMN active_admins integer NOT NULL DEFAULT 0 CHECK (active_admins >= 0);

UPDATE tenant_gates g
   SET active_admins = (SELECT count(*) FROM user_profiles u
                         WHERE u.tenant_id = g.tenant_id AND u.role IN ('admin', 'system_admin') AND u.status = 'active');
