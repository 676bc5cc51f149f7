# Tenants module (src/modules/tenants/errors.ts) and the HTTP Idempotency-Key errors.
tenant-not_found = Der Mandant existiert nicht.
tenant-already_exists = Dieser Mandant existiert bereits.
tenant-invalid_name = Der Name des Mandanten muss zwischen { $min } und { $max } Zeichen lang sein, davon mindestens { $min } sichtbare, und darf keine Steuer- oder unsichtbaren Formatierungszeichen enthalten (etwa Zeilenumbrüche oder Leerzeichen ohne Breite).
tenant-invalid_slug = Der Slug darf nur Kleinbuchstaben, Ziffern und einzelne Bindestriche enthalten (3–63 Zeichen).
tenant-slug_taken = Der Slug „{ $slug }“ wird bereits von einem anderen Mandanten verwendet.
tenant-slug_reserved = Der Slug „{ $slug }“ ist reserviert: Ein Slug darf nicht platform lauten und nicht wie eine Mandanten-ID (UUID) aussehen.
tenant-custom_domain_taken = Die Domain „{ $domain }“ wird bereits von einem anderen Mandanten verwendet.
tenant-domain_reserved = Die Domain „{ $domain }“ ist reserviert: Sie ist die Adresse der Plattform selbst (PUBLIC_URL), unter der sich Systemadministratoren anmelden.
tenant-invalid_plan = Der Tarif muss free, professional, enterprise oder custom:<Name> sein.
tenant-invalid_settings = Die Einstellung „{ $field }“ hat einen unzulässigen Wert.
tenant-metadata_too_large = Die Metadaten sind zu groß (höchstens { $limit } Bytes).
tenant-invalid_email = Die E-Mail-Adresse des Administrators ist ungültig.
tenant-plan_limit_exceeded = Der Tarif { $plan } erlaubt { $limit } Benutzer, der Mandant hat aber { $usage }.
tenant-plan_storage_exceeded = Der Tarif { $plan } erlaubt { $limit } Bytes Speicher, der Mandant belegt aber { $usage }.
tenant-max_users_below_usage = maxUsers kann nicht { $maxUsers } sein: Der Mandant hat bereits { $used } Benutzer mit belegtem Platz (deaktivierte Benutzer belegen keinen). Deaktivieren Sie zuerst Benutzer oder wählen Sie ein höheres Limit.
tenant-nothing_to_update = Nichts zu ändern: Senden Sie mindestens ein Feld.
tenant-deleted = Der Mandant wurde gelöscht und nimmt keine Änderungen mehr an.
tenant-suspended = Der Mandant ist gesperrt.
tenant-invalid_status_transition = Der Mandant kann nicht von { $from } zu { $to } wechseln.
tenant-has_active_users = Der Mandant hat neben seinen Administratoren noch { $count ->
    [one] einen aktiven Benutzer
   *[other] { $count } aktive Benutzer
  }.
tenant-invalid_retention_period = Die Aufbewahrungsfrist muss zwischen { $min } und { $max } liegen.
tenant-invalid_deletion_reason = Der Löschgrund muss user_requested, violation, inactive oder other:<Text> sein.
tenant-retention_not_elapsed = Die Daten des Mandanten können erst nach { $purgeAfter } endgültig gelöscht werden.
idempotency-invalid_key = Der Header Idempotency-Key muss 1 bis 255 sichtbare Zeichen enthalten.
idempotency-key_reused = Dieser Idempotency-Key wurde bereits für eine andere Anfrage verwendet.
idempotency-in_progress = Eine Anfrage mit diesem Idempotency-Key wird noch bearbeitet. Versuchen Sie es gleich noch einmal.
