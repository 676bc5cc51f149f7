# Users module (src/modules/users/errors.ts).
user-not_found = The user does not exist.
user-already_exists = This user already exists.
user-email_taken = This e-mail address is already used in this tenant.
user-invalid_email = The e-mail address is not valid.
user-invalid_display_name = The display name must have between { $min } and { $max } characters, at least { $min } of them visible, and no control or invisible formatting characters (such as line breaks or zero-width spaces).
user-invalid_role = The role must be admin, user, read_only or custom:<name>.
user-unknown_role = The role { $role } is not defined in this tenant: create it first.
user-invalid_metadata = The metadata is too large (at most { $limit } bytes).
user-quota_exceeded = The tenant has reached its limit of { $limit ->
    [one] { $limit } user
   *[other] { $limit } users
  }.
user-self_service_disabled = This tenant does not allow self-service registration.
user-last_admin = The last admin of a tenant cannot be deactivated or demoted.
user-deactivated = The user is deactivated.
user-already_deactivated = The user is already deactivated.
user-not_deactivated = The user is not deactivated.
user-permanently_deactivated = The user was deactivated permanently and cannot be reactivated.
user-missing_reactivation_date = A temporary deactivation needs a reactivation date.
user-invalid_reactivation_date = The reactivation date must be a valid date and time (RFC 3339, for example 2030-01-31T09:00:00Z) in the future, and is only allowed for temporary deactivation.
user-invalid_deactivation_reason = The reason must be user_requested, admin_action, security_violation, inactive or other:<text>.
user-email_change_cooldown = The e-mail address was changed recently. Try again in { $retryAfter ->
    [one] one second
   *[other] { $retryAfter } seconds
  }.
user-nothing_to_update = Nothing to update: send at least one field.
user-invitation_invalid = This invitation is invalid, expired or already used.
user-invalid_status_transition = The user cannot change from { $from } to { $to }.
user-not_invited = This user has already accepted the invitation (or was deactivated): there is nothing to send again.
user-registration_not_expired = This registration has not expired: it was confirmed, kept by an administrator, or its confirmation period has not ended.
