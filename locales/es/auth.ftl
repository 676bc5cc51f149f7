# Autenticación (módulo auth).
auth-invalid_credentials = La dirección de correo o la contraseña no son correctas.
auth-account_locked = Demasiados intentos fallidos de inicio de sesión. La cuenta está bloqueada; inténtelo de nuevo en { $retryAfter ->
    [one] un segundo
   *[other] { $retryAfter } segundos
  }.
auth-account_locked_by_admin = Esta cuenta está bloqueada. Contacte con su administrador.
auth-account_disabled = Esta cuenta está desactivada.
auth-too_many_attempts = Demasiados intentos fallidos desde su red. Inténtelo de nuevo en { $retryAfter ->
    [one] un segundo
   *[other] { $retryAfter } segundos
  }.
auth-tenant_suspended = Esta organización está suspendida.
auth-tenant_deleted = Esta organización ha sido eliminada.
auth-ip_not_allowed = El inicio de sesión desde su dirección de red no está permitido para esta organización.
auth-invalid_auth_method = El método de inicio de sesión «{ $method }» no está permitido para esta organización.
auth-email_not_confirmed = Confirme primero su dirección de correo con el enlace que le enviamos.
auth-invalid_token = El token de acceso no es válido.
auth-token_expired = El token de acceso ha caducado. Renuévelo o inicie sesión de nuevo.
auth-session_revoked = Esta sesión ha terminado. Inicie sesión de nuevo.
auth-session_expired = La sesión ha caducado. Inicie sesión de nuevo.
auth-session_not_found = La sesión no existe.
auth-invalid_refresh_token = El token de actualización no es válido o ya se ha utilizado.
auth-refresh_token_reused = Este token de actualización ya se utilizó. Por su seguridad se ha cerrado la sesión; inicie sesión de nuevo.
auth-invalid_action_token = El enlace no es válido, ha caducado o ya se ha utilizado.
auth-registration_closed = El registro de autoservicio no está disponible para esta organización.
auth-password_too_short = La contraseña es demasiado corta (al menos { $min } caracteres).
auth-password_too_long = La contraseña es demasiado larga (como máximo { $max } caracteres).
auth-password_missing_class = La contraseña necesita al menos { $kind ->
    [uppercase] una letra mayúscula
    [lowercase] una letra minúscula
    [number] un dígito
   *[special] un carácter especial
  }.
auth-password_too_common = Esta contraseña es demasiado común. Elija otra.
