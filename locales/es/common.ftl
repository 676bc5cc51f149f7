resource-not_found = El recurso solicitado ({ $resource }) no existe.
route-not_found = Ninguna ruta coincide con { $method } { $url }.
route-method_not_allowed = { $method } no está permitido en { $url }; permitidos: { $allowed }.
resource-conflict = { $resource } entra en conflicto con uno existente.
concurrency-version_conflict = Otra persona modificó los datos al mismo tiempo. Recargue e inténtelo de nuevo.
rate_limit-exceeded = Demasiadas solicitudes. Inténtelo de nuevo en { $retryAfter ->
    [one] un segundo
   *[other] { $retryAfter } segundos
  }.
service-unavailable = Un servicio necesario ({ $dependency }) no está disponible. Inténtelo de nuevo en breve.
internal-error = Se produjo un error inesperado. Se ha avisado al equipo.
auth-unauthenticated = Debe iniciar sesión para hacer esto.
auth-forbidden = No tiene permiso para hacer esto.
request-body_too_large = El cuerpo de la solicitud es demasiado grande.
request-unsupported_media_type = Este tipo de contenido no es compatible; envíe application/json.
request-invalid_body = El cuerpo de la solicitud está vacío o incompleto.
request-malformed_json = El cuerpo de la solicitud no es JSON válido.
request-bad_url = La URL de la solicitud está mal formada.
request-invalid = La solicitud no es válida.
validation-required = El campo «{ $field }» es obligatorio.
validation-field_too_long = El campo «{ $field }» es demasiado largo (como máximo { $limit ->
    [one] { $limit } carácter
   *[other] { $limit } caracteres
  }).
validation-field_too_short = El campo «{ $field }» es demasiado corto (al menos { $limit ->
    [one] { $limit } carácter
   *[other] { $limit } caracteres
  }).
validation-too_many_items = El campo «{ $field }» tiene demasiados elementos (como máximo { $limit }).
validation-too_few_items = El campo «{ $field }» tiene muy pocos elementos (al menos { $limit }).
validation-out_of_range = El campo «{ $field }» está fuera de rango (límite { $limit }).
validation-invalid_format = El campo «{ $field }» tiene un formato no válido.
validation-invalid_type = El campo «{ $field }» tiene un tipo incorrecto (se esperaba { $limit }).
validation-invalid_value = El campo «{ $field }» tiene un valor no permitido.
validation-unknown_field = El campo «{ $field }» no se reconoce.
validation-duplicate_items = El campo «{ $field }» contiene elementos duplicados.
validation-invalid_characters = El campo «{ $field }» contiene caracteres que no se pueden guardar (como el carácter NUL U+0000).
validation-nesting_too_deep = El cuerpo de la solicitud está anidado a demasiada profundidad (como máximo { $limit } niveles).
