# Tenants module (src/modules/tenants/errors.ts) and the HTTP Idempotency-Key errors.
tenant-not_found = Qiramarrësi nuk ekziston.
tenant-already_exists = Ky qiramarrës ekziston tashmë.
tenant-invalid_name = Emri i qiramarrësit duhet të ketë nga { $min } deri në { $max } karaktere, të paktën { $min } prej tyre të dukshme, dhe asnjë karakter kontrolli ose formatimi të padukshëm (si ndërprerje rreshti ose hapësira me gjerësi zero).
tenant-invalid_slug = Slug-u mund të përmbajë vetëm shkronja të vogla, shifra dhe viza të vetme (3–63 karaktere).
tenant-slug_taken = Slug-u "{ $slug }" përdoret tashmë nga një qiramarrës tjetër.
tenant-slug_reserved = Slug-u "{ $slug }" është i rezervuar: një slug nuk mund të jetë platform ose të duket si ID e një qiramarrësi (UUID).
tenant-custom_domain_taken = Domeni "{ $domain }" përdoret tashmë nga një qiramarrës tjetër.
tenant-domain_reserved = Domeni "{ $domain }" është i rezervuar: është adresa e vetë platformës (PUBLIC_URL), ku hyjnë administratorët e sistemit.
tenant-invalid_plan = Plani i abonimit duhet të jetë free, professional, enterprise ose custom:<emër>.
tenant-invalid_settings = Cilësimi "{ $field }" ka një vlerë të palejuar.
tenant-metadata_too_large = Meta të dhënat janë shumë të mëdha (më së shumti { $limit } bajt).
tenant-invalid_email = Adresa e-mail e administratorit nuk është e vlefshme.
tenant-plan_limit_exceeded = Plani { $plan } lejon { $limit } përdorues, por qiramarrësi ka { $usage }.
tenant-plan_storage_exceeded = Plani { $plan } lejon { $limit } bajt hapësirë, por qiramarrësi zë { $usage }.
tenant-max_users_below_usage = maxUsers nuk mund të jetë { $maxUsers }: qiramarrësi ka tashmë { $used } përdorues që zënë një vend (përdoruesit e çaktivizuar nuk zënë). Çaktivizoni fillimisht përdorues ose zgjidhni një kufi më të lartë.
tenant-nothing_to_update = Asgjë për të ndryshuar: dërgoni të paktën një fushë.
tenant-deleted = Qiramarrësi është fshirë dhe nuk pranon më ndryshime.
tenant-suspended = Qiramarrësi është pezulluar.
tenant-invalid_status_transition = Qiramarrësi nuk mund të kalojë nga { $from } në { $to }.
tenant-has_active_users = Qiramarrësi ka ende { $count ->
    [one] një përdorues aktiv
   *[other] { $count } përdorues aktivë
  } përveç administratorëve.
tenant-invalid_retention_period = Periudha e ruajtjes së të dhënave duhet të jetë nga { $min } deri në { $max }.
tenant-invalid_deletion_reason = Arsyeja e fshirjes duhet të jetë user_requested, violation, inactive ose other:<tekst>.
tenant-retention_not_elapsed = Të dhënat e qiramarrësit mund të spastrohen vetëm pas { $purgeAfter }.
idempotency-invalid_key = Koka Idempotency-Key duhet të ketë 1 deri në 255 karaktere të dukshme.
idempotency-key_reused = Ky Idempotency-Key është përdorur tashmë për një kërkesë tjetër.
idempotency-in_progress = Një kërkesë me këtë Idempotency-Key po përpunohet ende. Provoni përsëri së shpejti.
