# Users module (src/modules/users/errors.ts).
user-not_found = Der Benutzer existiert nicht.
user-already_exists = Dieser Benutzer existiert bereits.
user-email_taken = Diese E-Mail-Adresse wird in diesem Mandanten bereits verwendet.
user-invalid_email = Die E-Mail-Adresse ist ungültig.
user-invalid_display_name = Der Anzeigename muss zwischen { $min } und { $max } Zeichen lang sein, davon mindestens { $min } sichtbare, und darf keine Steuer- oder unsichtbaren Formatierungszeichen enthalten (etwa Zeilenumbrüche oder Leerzeichen ohne Breite).
user-invalid_role = Die Rolle muss admin, user, read_only oder custom:<Name> sein.
user-unknown_role = Die Rolle { $role } ist in diesem Mandanten nicht definiert: Legen Sie sie zuerst an.
user-invalid_metadata = Die Metadaten sind zu groß (höchstens { $limit } Bytes).
user-quota_exceeded = Der Mandant hat sein Limit von { $limit ->
    [one] { $limit } Benutzer
   *[other] { $limit } Benutzern
  } erreicht.
user-self_service_disabled = Dieser Mandant erlaubt keine Selbstregistrierung.
user-last_admin = Der letzte Administrator eines Mandanten kann nicht deaktiviert oder herabgestuft werden.
user-deactivated = Der Benutzer ist deaktiviert.
user-already_deactivated = Der Benutzer ist bereits deaktiviert.
user-not_deactivated = Der Benutzer ist nicht deaktiviert.
user-permanently_deactivated = Der Benutzer wurde dauerhaft deaktiviert und kann nicht reaktiviert werden.
user-missing_reactivation_date = Eine vorübergehende Deaktivierung braucht ein Reaktivierungsdatum.
user-invalid_reactivation_date = Das Reaktivierungsdatum muss ein gültiges Datum mit Uhrzeit (RFC 3339, zum Beispiel 2030-01-31T09:00:00Z) in der Zukunft sein und ist nur bei vorübergehender Deaktivierung erlaubt.
user-invalid_deactivation_reason = Der Grund muss user_requested, admin_action, security_violation, inactive oder other:<Text> sein.
user-email_change_cooldown = Die E-Mail-Adresse wurde kürzlich geändert. Versuchen Sie es in { $retryAfter ->
    [one] einer Sekunde
   *[other] { $retryAfter } Sekunden
  } erneut.
user-nothing_to_update = Nichts zu ändern: Senden Sie mindestens ein Feld.
user-invitation_invalid = Diese Einladung ist ungültig, abgelaufen oder bereits verwendet.
user-invalid_status_transition = Der Benutzer kann nicht von { $from } zu { $to } wechseln.
user-not_invited = Dieser Benutzer hat die Einladung bereits angenommen (oder wurde deaktiviert): Es gibt nichts erneut zu senden.
user-registration_not_expired = Diese Registrierung ist nicht abgelaufen: Sie wurde bestätigt, von einem Administrator behalten, oder ihre Bestätigungsfrist läuft noch.
