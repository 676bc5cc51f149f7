resource-not_found = Die angeforderte Ressource ({ $resource }) existiert nicht.
route-not_found = Keine Route passt zu { $method } { $url }.
route-method_not_allowed = { $method } ist auf { $url } nicht erlaubt; erlaubt: { $allowed }.
resource-conflict = { $resource } steht im Konflikt mit einem vorhandenen Eintrag.
concurrency-version_conflict = Die Daten wurden gleichzeitig von jemand anderem geändert. Bitte neu laden und erneut versuchen.
rate_limit-exceeded = Zu viele Anfragen. Bitte in { $retryAfter ->
    [one] einer Sekunde
   *[other] { $retryAfter } Sekunden
  } erneut versuchen.
service-unavailable = Ein benötigter Dienst ({ $dependency }) ist nicht erreichbar. Bitte gleich erneut versuchen.
internal-error = Ein unerwarteter Fehler ist aufgetreten. Das Team wurde benachrichtigt.
auth-unauthenticated = Dafür müssen Sie sich anmelden.
auth-forbidden = Dazu sind Sie nicht berechtigt.
request-body_too_large = Der Anfragetext ist zu groß.
request-unsupported_media_type = Dieser Inhaltstyp wird nicht unterstützt; bitte application/json senden.
request-invalid_body = Der Anfragetext ist leer oder unvollständig.
request-malformed_json = Der Anfragetext ist kein gültiges JSON.
request-bad_url = Die Anfrage-URL ist fehlerhaft.
request-invalid = Die Anfrage ist ungültig.
validation-required = Das Feld „{ $field }“ ist erforderlich.
validation-field_too_long = Das Feld „{ $field }“ ist zu lang (höchstens { $limit } Zeichen).
validation-field_too_short = Das Feld „{ $field }“ ist zu kurz (mindestens { $limit } Zeichen).
validation-too_many_items = Das Feld „{ $field }“ hat zu viele Einträge (höchstens { $limit }).
validation-too_few_items = Das Feld „{ $field }“ hat zu wenige Einträge (mindestens { $limit }).
validation-out_of_range = Das Feld „{ $field }“ liegt außerhalb des erlaubten Bereichs (Grenze { $limit }).
validation-invalid_format = Das Feld „{ $field }“ hat ein ungültiges Format.
validation-invalid_type = Das Feld „{ $field }“ hat den falschen Typ (erwartet: { $limit }).
validation-invalid_value = Das Feld „{ $field }“ enthält einen unzulässigen Wert.
validation-unknown_field = Das Feld „{ $field }“ ist unbekannt.
validation-duplicate_items = Das Feld „{ $field }“ enthält doppelte Einträge.
validation-invalid_characters = Das Feld „{ $field }“ enthält Zeichen, die nicht gespeichert werden können (etwa das NUL-Zeichen U+0000).
validation-nesting_too_deep = Der Anfragetext ist zu tief verschachtelt (höchstens { $limit } Ebenen).
