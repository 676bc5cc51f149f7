# Tenants module (src/modules/tenants/errors.ts) and the HTTP Idempotency-Key errors.
tenant-not_found = El inquilino no existe.
tenant-already_exists = Este inquilino ya existe.
tenant-invalid_name = El nombre del inquilino debe tener entre { $min } y { $max } caracteres, al menos { $min } de ellos visibles, y ningún carácter de control ni de formato invisible (como saltos de línea o espacios de ancho cero).
tenant-invalid_slug = El slug solo puede contener minúsculas, dígitos y guiones simples (3–63 caracteres).
tenant-slug_taken = El slug «{ $slug }» ya lo usa otro inquilino.
tenant-slug_reserved = El slug «{ $slug }» está reservado: un slug no puede ser platform ni parecerse a un identificador de inquilino (UUID).
tenant-custom_domain_taken = El dominio «{ $domain }» ya lo usa otro inquilino.
tenant-domain_reserved = El dominio «{ $domain }» está reservado: es la dirección de la propia plataforma (PUBLIC_URL), donde inician sesión los administradores del sistema.
tenant-invalid_plan = El plan de suscripción debe ser free, professional, enterprise o custom:<nombre>.
tenant-invalid_settings = El ajuste «{ $field }» tiene un valor no permitido.
tenant-metadata_too_large = Los metadatos son demasiado grandes (como máximo { $limit } bytes).
tenant-invalid_email = La dirección de correo del administrador no es válida.
tenant-plan_limit_exceeded = El plan { $plan } permite { $limit ->
    [one] { $limit } usuario
   *[other] { $limit } usuarios
  }, pero el inquilino tiene { $usage }.
tenant-plan_storage_exceeded = El plan { $plan } permite { $limit } bytes de almacenamiento, pero el inquilino ocupa { $usage }.
tenant-max_users_below_usage = maxUsers no puede ser { $maxUsers }: el inquilino ya tiene { $used ->
    [one] { $used } usuario que ocupa
   *[other] { $used } usuarios que ocupan
  } una plaza (los usuarios desactivados no ocupan ninguna). Desactive primero usuarios o elija un límite mayor.
tenant-nothing_to_update = Nada que cambiar: envíe al menos un campo.
tenant-deleted = El inquilino se ha eliminado y ya no acepta cambios.
tenant-suspended = El inquilino está suspendido.
tenant-invalid_status_transition = El inquilino no puede pasar de { $from } a { $to }.
tenant-has_active_users = El inquilino aún tiene { $count ->
    [one] un usuario activo
   *[other] { $count } usuarios activos
  } además de sus administradores.
tenant-invalid_retention_period = El periodo de retención de datos debe estar entre { $min } y { $max }.
tenant-invalid_deletion_reason = El motivo de eliminación debe ser user_requested, violation, inactive u other:<texto>.
tenant-retention_not_elapsed = Los datos del inquilino solo pueden purgarse después de { $purgeAfter }.
idempotency-invalid_key = La cabecera Idempotency-Key debe tener de 1 a 255 caracteres visibles.
idempotency-key_reused = Esta Idempotency-Key ya se usó para otra solicitud.
idempotency-in_progress = Una solicitud con esta Idempotency-Key aún se está procesando. Inténtelo de nuevo en un momento.
