# Authentifizierung (Modul auth).
auth-invalid_credentials = E-Mail-Adresse oder Passwort ist falsch.
auth-account_locked = Zu viele fehlgeschlagene Anmeldeversuche. Das Konto ist gesperrt; versuchen Sie es in { $retryAfter ->
    [one] einer Sekunde
   *[other] { $retryAfter } Sekunden
  } erneut.
auth-account_locked_by_admin = Dieses Konto ist gesperrt. Wenden Sie sich an Ihre Administration.
auth-account_disabled = Dieses Konto ist deaktiviert.
auth-too_many_attempts = Zu viele fehlgeschlagene Anmeldeversuche aus Ihrem Netzwerk. Versuchen Sie es in { $retryAfter ->
    [one] einer Sekunde
   *[other] { $retryAfter } Sekunden
  } erneut.
auth-tenant_suspended = Diese Organisation ist gesperrt.
auth-tenant_deleted = Diese Organisation wurde gelöscht.
auth-ip_not_allowed = Die Anmeldung von Ihrer Netzwerkadresse ist für diese Organisation nicht erlaubt.
auth-invalid_auth_method = Die Anmeldemethode „{ $method }“ ist für diese Organisation nicht erlaubt.
auth-email_not_confirmed = Bestätigen Sie zuerst Ihre E-Mail-Adresse über den zugesandten Link.
auth-invalid_token = Das Zugriffstoken ist ungültig.
auth-token_expired = Das Zugriffstoken ist abgelaufen. Erneuern Sie es oder melden Sie sich erneut an.
auth-session_revoked = Diese Sitzung wurde beendet. Melden Sie sich erneut an.
auth-session_expired = Die Sitzung ist abgelaufen. Melden Sie sich erneut an.
auth-session_not_found = Die Sitzung existiert nicht.
auth-invalid_refresh_token = Das Aktualisierungstoken ist ungültig oder wurde bereits verwendet.
auth-refresh_token_reused = Dieses Aktualisierungstoken wurde bereits verwendet. Zu Ihrer Sicherheit wurde die Sitzung beendet; melden Sie sich erneut an.
auth-invalid_action_token = Der Link ist ungültig, abgelaufen oder wurde bereits verwendet.
auth-registration_closed = Die Selbstregistrierung ist für diese Organisation nicht verfügbar.
auth-password_too_short = Das Passwort ist zu kurz (mindestens { $min } Zeichen).
auth-password_too_long = Das Passwort ist zu lang (höchstens { $max } Zeichen).
auth-password_missing_class = Das Passwort braucht mindestens { $kind ->
    [uppercase] einen Großbuchstaben
    [lowercase] einen Kleinbuchstaben
    [number] eine Ziffer
   *[special] ein Sonderzeichen
  }.
auth-password_too_common = Dieses Passwort ist zu verbreitet. Wählen Sie ein anderes.
