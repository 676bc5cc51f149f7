# Control de acceso: roles, permisos, cuotas.
access-role_not_found = El rol «{ $role }» no existe.
access-role_exists = Ya existe un rol llamado «{ $role }».
access-role_in_use = El rol «{ $role }» sigue asignado a { $users ->
    [one] un usuario
   *[other] { $users } usuarios
  }.
access-role_built_in = El rol integrado «{ $role }» no se puede modificar ni eliminar.
access-invalid_role_name = «{ $role }» no es un nombre de rol válido (custom:<nombre>, minúsculas, dígitos, - y _).
access-unknown_permission = El permiso «{ $permission }» no existe.
access-platform_permission = El permiso «{ $permission }» pertenece a los administradores del sistema y un inquilino no puede concederlo.
quota-api_calls_exceeded = Este inquilino ha usado las { $limit } llamadas a la API de su plan para este mes.
quota-storage_exceeded = Este inquilino ha alcanzado el límite de almacenamiento de su plan ({ $limit } bytes).
