resource-not_found = Burimi i kërkuar ({ $resource }) nuk ekziston.
route-not_found = Asnjë rrugë nuk përputhet me { $method } { $url }.
route-method_not_allowed = { $method } nuk lejohet në { $url }; të lejuara: { $allowed }.
resource-conflict = { $resource } bie ndesh me një ekzistues.
concurrency-version_conflict = Të dhënat u ndryshuan nga dikush tjetër në të njëjtën kohë. Rifreskoni dhe provoni përsëri.
rate_limit-exceeded = Shumë kërkesa. Provoni përsëri pas { $retryAfter ->
    [one] një sekonde
   *[other] { $retryAfter } sekondash
  }.
service-unavailable = Një shërbim i nevojshëm ({ $dependency }) nuk është i disponueshëm. Provoni përsëri së shpejti.
internal-error = Ndodhi një gabim i papritur. Ekipi është njoftuar.
auth-unauthenticated = Duhet të identifikoheni për ta bërë këtë.
auth-forbidden = Nuk keni leje për ta bërë këtë.
request-body_too_large = Trupi i kërkesës është shumë i madh.
request-unsupported_media_type = Ky lloj përmbajtjeje nuk mbështetet; dërgoni application/json.
request-invalid_body = Trupi i kërkesës është bosh ose i paplotë.
request-malformed_json = Trupi i kërkesës nuk është JSON i vlefshëm.
request-bad_url = URL-ja e kërkesës është e gabuar.
request-invalid = Kërkesa është e pavlefshme.
validation-required = Fusha "{ $field }" është e detyrueshme.
validation-field_too_long = Fusha "{ $field }" është shumë e gjatë (të shumtën { $limit ->
    [one] { $limit } karakter
   *[other] { $limit } karaktere
  }).
validation-field_too_short = Fusha "{ $field }" është shumë e shkurtër (të paktën { $limit ->
    [one] { $limit } karakter
   *[other] { $limit } karaktere
  }).
validation-too_many_items = Fusha "{ $field }" ka shumë elemente (të shumtën { $limit }).
validation-too_few_items = Fusha "{ $field }" ka pak elemente (të paktën { $limit }).
validation-out_of_range = Fusha "{ $field }" është jashtë kufijve (kufiri { $limit }).
validation-invalid_format = Fusha "{ $field }" ka format të pavlefshëm.
validation-invalid_type = Fusha "{ $field }" ka llojin e gabuar (pritet { $limit }).
validation-invalid_value = Fusha "{ $field }" ka një vlerë të palejuar.
validation-unknown_field = Fusha "{ $field }" nuk njihet.
validation-duplicate_items = Fusha "{ $field }" përmban elemente të përsëritura.
validation-invalid_characters = Fusha "{ $field }" përmban karaktere që nuk mund të ruhen (si karakteri NUL U+0000).
validation-nesting_too_deep = Trupi i kërkesës është i ndërfutur shumë thellë (jo më shumë se { $limit } nivele).
