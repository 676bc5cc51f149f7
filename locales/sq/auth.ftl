# Autentikimi (moduli auth).
auth-invalid_credentials = Adresa e-mail ose fjalëkalimi është i pasaktë.
auth-account_locked = Shumë përpjekje të dështuara për hyrje. Llogaria është bllokuar; provoni përsëri pas { $retryAfter ->
    [one] një sekonde
   *[other] { $retryAfter } sekondash
  }.
auth-account_locked_by_admin = Kjo llogari është bllokuar. Kontaktoni administratorin tuaj.
auth-account_disabled = Kjo llogari është çaktivizuar.
auth-too_many_attempts = Shumë përpjekje të dështuara nga rrjeti juaj. Provoni përsëri pas { $retryAfter ->
    [one] një sekonde
   *[other] { $retryAfter } sekondash
  }.
auth-tenant_suspended = Kjo organizatë është pezulluar.
auth-tenant_deleted = Kjo organizatë është fshirë.
auth-ip_not_allowed = Hyrja nga adresa juaj e rrjetit nuk lejohet për këtë organizatë.
auth-invalid_auth_method = Metoda e hyrjes "{ $method }" nuk lejohet për këtë organizatë.
auth-email_not_confirmed = Konfirmoni fillimisht adresën tuaj e-mail me lidhjen që ju dërguam.
auth-invalid_token = Tokeni i aksesit është i pavlefshëm.
auth-token_expired = Tokeni i aksesit ka skaduar. Rinovojeni ose hyni përsëri.
auth-session_revoked = Ky sesion ka përfunduar. Hyni përsëri.
auth-session_expired = Sesioni ka skaduar. Hyni përsëri.
auth-session_not_found = Sesioni nuk ekziston.
auth-invalid_refresh_token = Tokeni i rinovimit është i pavlefshëm ose është përdorur tashmë.
auth-refresh_token_reused = Ky token rinovimi është përdorur tashmë. Për sigurinë tuaj sesioni u mbyll; hyni përsëri.
auth-invalid_action_token = Lidhja është e pavlefshme, ka skaduar ose është përdorur tashmë.
auth-registration_closed = Regjistrimi i vetë-shërbimit nuk ofrohet për këtë organizatë.
auth-password_too_short = Fjalëkalimi është shumë i shkurtër (të paktën { $min } karaktere).
auth-password_too_long = Fjalëkalimi është shumë i gjatë (më së shumti { $max } karaktere).
auth-password_missing_class = Fjalëkalimi duhet të ketë të paktën { $kind ->
    [uppercase] një shkronjë të madhe
    [lowercase] një shkronjë të vogël
    [number] një shifër
   *[special] një karakter të veçantë
  }.
auth-password_too_common = Ky fjalëkalim është shumë i zakonshëm. Zgjidhni një tjetër.
