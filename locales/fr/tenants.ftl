# Tenants module (src/modules/tenants/errors.ts) and the HTTP Idempotency-Key errors.
tenant-not_found = Le locataire n'existe pas.
tenant-already_exists = Ce locataire existe déjà.
tenant-invalid_name = Le nom du locataire doit comporter entre { $min } et { $max } caractères, dont au moins { $min } visibles, et aucun caractère de contrôle ou de mise en forme invisible (comme un saut de ligne ou une espace sans chasse).
tenant-invalid_slug = Le slug ne peut contenir que des minuscules, des chiffres et des tirets simples (3 à 63 caractères).
tenant-slug_taken = Le slug « { $slug } » est déjà utilisé par un autre locataire.
tenant-slug_reserved = Le slug « { $slug } » est réservé : un slug ne peut pas être platform ni ressembler à un identifiant de locataire (UUID).
tenant-custom_domain_taken = Le domaine « { $domain } » est déjà utilisé par un autre locataire.
tenant-domain_reserved = Le domaine « { $domain } » est réservé : c'est l'adresse de la plateforme elle-même (PUBLIC_URL), où se connectent les administrateurs système.
tenant-invalid_plan = Le plan d'abonnement doit être free, professional, enterprise ou custom:<nom>.
tenant-invalid_settings = Le paramètre « { $field } » a une valeur non autorisée.
tenant-metadata_too_large = Les métadonnées sont trop volumineuses (au plus { $limit } octets).
tenant-invalid_email = L'adresse e-mail de l'administrateur n'est pas valide.
tenant-plan_limit_exceeded = Le plan { $plan } autorise { $limit ->
    [one] { $limit } utilisateur
   *[other] { $limit } utilisateurs
  }, mais le locataire en a { $usage }.
tenant-plan_storage_exceeded = Le plan { $plan } autorise { $limit } octets de stockage, mais le locataire en occupe { $usage }.
tenant-max_users_below_usage = maxUsers ne peut pas valoir { $maxUsers } : le locataire a déjà { $used ->
    [one] { $used } utilisateur qui occupe
   *[other] { $used } utilisateurs qui occupent
  } une place (les utilisateurs désactivés n'en occupent pas). Désactivez d'abord des utilisateurs ou choisissez une limite plus élevée.
tenant-nothing_to_update = Rien à modifier : envoyez au moins un champ.
tenant-deleted = Le locataire a été supprimé et n'accepte plus de modifications.
tenant-suspended = Le locataire est suspendu.
tenant-invalid_status_transition = Le locataire ne peut pas passer de { $from } à { $to }.
tenant-has_active_users = Le locataire a encore { $count ->
    [one] un utilisateur actif
   *[other] { $count } utilisateurs actifs
  } en plus de ses administrateurs.
tenant-invalid_retention_period = La durée de conservation des données doit être comprise entre { $min } et { $max }.
tenant-invalid_deletion_reason = Le motif de suppression doit être user_requested, violation, inactive ou other:<texte>.
tenant-retention_not_elapsed = Les données du locataire ne peuvent être purgées qu’après le { $purgeAfter }.
idempotency-invalid_key = L'en-tête Idempotency-Key doit comporter de 1 à 255 caractères visibles.
idempotency-key_reused = Cette Idempotency-Key a déjà été utilisée pour une autre requête.
idempotency-in_progress = Une requête avec cette Idempotency-Key est encore en cours. Réessayez dans un instant.
