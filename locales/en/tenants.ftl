# Tenants module (src/modules/tenants/errors.ts) and the HTTP Idempotency-Key errors.
tenant-not_found = The tenant does not exist.
tenant-already_exists = This tenant already exists.
tenant-invalid_name = The tenant name must have between { $min } and { $max } characters, at least { $min } of them visible, and no control or invisible formatting characters (such as line breaks or zero-width spaces).
tenant-invalid_slug = The slug may only contain lower-case letters, digits and single hyphens (3–63 characters).
tenant-slug_taken = The slug "{ $slug }" is already used by another tenant.
tenant-slug_reserved = The slug "{ $slug }" is reserved: a slug may not be platform or look like a tenant id (UUID).
tenant-custom_domain_taken = The domain "{ $domain }" is already used by another tenant.
tenant-domain_reserved = The domain "{ $domain }" is reserved: it is the address of the platform itself (PUBLIC_URL), where system administrators sign in.
tenant-invalid_plan = The subscription plan must be free, professional, enterprise or custom:<name>.
tenant-invalid_settings = The setting "{ $field }" has a value that is not allowed.
tenant-metadata_too_large = The metadata is too large (at most { $limit } bytes).
tenant-invalid_email = The admin e-mail address is not valid.
tenant-plan_limit_exceeded = The plan { $plan } allows { $limit ->
    [one] { $limit } user
   *[other] { $limit } users
  }, but the tenant has { $usage }.
tenant-plan_storage_exceeded = The plan { $plan } allows { $limit } bytes of storage, but the tenant stores { $usage }.
tenant-max_users_below_usage = maxUsers cannot be { $maxUsers }: the tenant already has { $used ->
    [one] { $used } user
   *[other] { $used } users
  } holding a seat (deactivated users hold none). Deactivate users first or choose a higher limit.
tenant-nothing_to_update = Nothing to update: send at least one field.
tenant-deleted = The tenant has been deleted and accepts no more changes.
tenant-suspended = The tenant is suspended.
tenant-invalid_status_transition = The tenant cannot change from { $from } to { $to }.
tenant-has_active_users = The tenant still has { $count ->
    [one] one active user
   *[other] { $count } active users
  } besides its admins.
tenant-invalid_retention_period = The data retention period must be between { $min } and { $max }.
tenant-invalid_deletion_reason = The deletion reason must be user_requested, violation, inactive or other:<text>.
tenant-retention_not_elapsed = The tenant data can only be purged after { $purgeAfter }.
idempotency-invalid_key = The Idempotency-Key header must have 1 to 255 visible characters.
idempotency-key_reused = This Idempotency-Key was already used for a different request.
idempotency-in_progress = A request with this Idempotency-Key is still being processed. Try again shortly.
