# Users module (src/modules/users/errors.ts).
user-not_found = El usuario no existe.
user-already_exists = Este usuario ya existe.
user-email_taken = Esta dirección de correo ya se usa en este inquilino.
user-invalid_email = La dirección de correo no es válida.
user-invalid_display_name = El nombre visible debe tener entre { $min } y { $max } caracteres, al menos { $min } de ellos visibles, y ningún carácter de control ni de formato invisible (como saltos de línea o espacios de ancho cero).
user-invalid_role = El rol debe ser admin, user, read_only o custom:<nombre>.
user-unknown_role = El rol { $role } no está definido en este inquilino: créelo primero.
user-invalid_metadata = Los metadatos son demasiado grandes (como máximo { $limit } bytes).
user-quota_exceeded = El inquilino ha alcanzado su límite de { $limit ->
    [one] { $limit } usuario
   *[other] { $limit } usuarios
  }.
user-self_service_disabled = Este inquilino no permite el registro de autoservicio.
user-last_admin = El último administrador de un inquilino no puede desactivarse ni degradarse.
user-deactivated = El usuario está desactivado.
user-already_deactivated = El usuario ya está desactivado.
user-not_deactivated = El usuario no está desactivado.
user-permanently_deactivated = El usuario se desactivó de forma permanente y no puede reactivarse.
user-missing_reactivation_date = Una desactivación temporal necesita una fecha de reactivación.
user-invalid_reactivation_date = La fecha de reactivación debe ser una fecha y hora válidas (RFC 3339, por ejemplo 2030-01-31T09:00:00Z) en el futuro, y solo se admite en desactivaciones temporales.
user-invalid_deactivation_reason = El motivo debe ser user_requested, admin_action, security_violation, inactive u other:<texto>.
user-email_change_cooldown = La dirección de correo se cambió hace poco. Inténtelo de nuevo en { $retryAfter ->
    [one] un segundo
   *[other] { $retryAfter } segundos
  }.
user-nothing_to_update = Nada que cambiar: envíe al menos un campo.
user-invitation_invalid = Esta invitación no es válida, ha caducado o ya se usó.
user-invalid_status_transition = El usuario no puede pasar de { $from } a { $to }.
user-not_invited = Este usuario ya aceptó la invitación (o fue desactivado): no hay nada que volver a enviar.
user-registration_not_expired = Este registro no ha caducado: se confirmó, un administrador lo conservó o su plazo de confirmación aún no ha terminado.
