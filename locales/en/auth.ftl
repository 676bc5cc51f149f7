# Authentication (module auth). Keys are error codes with dots replaced by hyphens.
auth-invalid_credentials = The e-mail address or password is incorrect.
auth-account_locked = Too many failed sign-in attempts. The account is locked; try again in { $retryAfter ->
    [one] one second
   *[other] { $retryAfter } seconds
  }.
auth-account_locked_by_admin = This account is locked. Contact your administrator.
auth-account_disabled = This account is deactivated.
auth-too_many_attempts = Too many failed sign-in attempts from your network. Try again in { $retryAfter ->
    [one] one second
   *[other] { $retryAfter } seconds
  }.
auth-tenant_suspended = This organization is suspended.
auth-tenant_deleted = This organization has been deleted.
auth-ip_not_allowed = Sign-in from your network address is not allowed for this organization.
auth-invalid_auth_method = The sign-in method "{ $method }" is not allowed for this organization.
auth-email_not_confirmed = Confirm your e-mail address first: follow the link we sent you.
auth-invalid_token = The access token is invalid.
auth-token_expired = The access token has expired. Refresh it or sign in again.
auth-session_revoked = This session has ended. Sign in again.
auth-session_expired = The session has expired. Sign in again.
auth-session_not_found = The session does not exist.
auth-invalid_refresh_token = The refresh token is invalid or has already been used.
auth-refresh_token_reused = This refresh token was already used. For your safety the session has been ended; sign in again.
auth-invalid_action_token = The link is invalid, has expired or has already been used.
auth-registration_closed = Self-service registration is not available for this organization.
auth-password_too_short = The password is too short (at least { $min } characters).
auth-password_too_long = The password is too long (at most { $max } characters).
auth-password_missing_class = The password needs at least one { $kind ->
    [uppercase] upper-case letter
    [lowercase] lower-case letter
    [number] digit
   *[special] special character
  }.
auth-password_too_common = This password is too common. Choose another one.
