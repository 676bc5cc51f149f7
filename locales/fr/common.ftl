resource-not_found = La ressource demandée ({ $resource }) n’existe pas.
route-not_found = Aucune route ne correspond à { $method } { $url }.
route-method_not_allowed = { $method } n’est pas autorisé sur { $url } ; autorisé : { $allowed }.
resource-conflict = { $resource } entre en conflit avec un élément existant.
concurrency-version_conflict = Les données ont été modifiées par quelqu’un d’autre au même moment. Rechargez et réessayez.
rate_limit-exceeded = Trop de requêtes. Réessayez dans { $retryAfter ->
    [one] une seconde
   *[other] { $retryAfter } secondes
  }.
service-unavailable = Un service nécessaire ({ $dependency }) est indisponible. Réessayez dans un instant.
internal-error = Une erreur inattendue s’est produite. L’équipe a été prévenue.
auth-unauthenticated = Vous devez vous connecter pour effectuer cette action.
auth-forbidden = Vous n’êtes pas autorisé à effectuer cette action.
request-body_too_large = Le corps de la requête est trop volumineux.
request-unsupported_media_type = Ce type de contenu n’est pas pris en charge ; envoyez application/json.
request-invalid_body = Le corps de la requête est vide ou incomplet.
request-malformed_json = Le corps de la requête n’est pas un JSON valide.
request-bad_url = L’URL de la requête est mal formée.
request-invalid = La requête est invalide.
validation-required = Le champ « { $field } » est obligatoire.
validation-field_too_long = Le champ « { $field } » est trop long ({ $limit ->
    [one] { $limit } caractère
   *[other] { $limit } caractères
  } au plus).
validation-field_too_short = Le champ « { $field } » est trop court ({ $limit ->
    [one] { $limit } caractère
   *[other] { $limit } caractères
  } au moins).
validation-too_many_items = Le champ « { $field } » a trop d’éléments ({ $limit } au plus).
validation-too_few_items = Le champ « { $field } » n’a pas assez d’éléments ({ $limit } au moins).
validation-out_of_range = Le champ « { $field } » est hors limites (limite { $limit }).
validation-invalid_format = Le champ « { $field } » a un format invalide.
validation-invalid_type = Le champ « { $field } » a un type incorrect (attendu : { $limit }).
validation-invalid_value = Le champ « { $field } » contient une valeur non autorisée.
validation-unknown_field = Le champ « { $field } » n’est pas reconnu.
validation-duplicate_items = Le champ « { $field } » contient des doublons.
validation-invalid_characters = Le champ « { $field } » contient des caractères qui ne peuvent pas être enregistrés (comme le caractère NUL U+0000).
validation-nesting_too_deep = Le corps de la requête est imbriqué trop profondément ({ $limit } niveaux au plus).
