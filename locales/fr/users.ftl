# Users module (src/modules/users/errors.ts).
user-not_found = L'utilisateur n'existe pas.
user-already_exists = Cet utilisateur existe déjà.
user-email_taken = Cette adresse e-mail est déjà utilisée chez ce locataire.
user-invalid_email = L'adresse e-mail n'est pas valide.
user-invalid_display_name = Le nom d'affichage doit comporter entre { $min } et { $max } caractères, dont au moins { $min } visibles, et aucun caractère de contrôle ou de mise en forme invisible (comme un saut de ligne ou une espace sans chasse).
user-invalid_role = Le rôle doit être admin, user, read_only ou custom:<nom>.
user-unknown_role = Le rôle { $role } n'est pas défini dans ce locataire : créez-le d'abord.
user-invalid_metadata = Les métadonnées sont trop volumineuses (au plus { $limit } octets).
user-quota_exceeded = Le locataire a atteint sa limite de { $limit ->
    [one] { $limit } utilisateur
   *[other] { $limit } utilisateurs
  }.
user-self_service_disabled = Ce locataire n'autorise pas l'inscription en libre-service.
user-last_admin = Le dernier administrateur d'un locataire ne peut être ni désactivé ni rétrogradé.
user-deactivated = L'utilisateur est désactivé.
user-already_deactivated = L'utilisateur est déjà désactivé.
user-not_deactivated = L'utilisateur n'est pas désactivé.
user-permanently_deactivated = L'utilisateur a été désactivé définitivement et ne peut pas être réactivé.
user-missing_reactivation_date = Une désactivation temporaire nécessite une date de réactivation.
user-invalid_reactivation_date = La date de réactivation doit être une date et une heure valides (RFC 3339, par exemple 2030-01-31T09:00:00Z) dans le futur, et n’est admise que pour une désactivation temporaire.
user-invalid_deactivation_reason = Le motif doit être user_requested, admin_action, security_violation, inactive ou other:<texte>.
user-email_change_cooldown = L'adresse e-mail a été modifiée récemment. Réessayez dans { $retryAfter ->
    [one] une seconde
   *[other] { $retryAfter } secondes
  }.
user-nothing_to_update = Rien à modifier : envoyez au moins un champ.
user-invitation_invalid = Cette invitation est invalide, expirée ou déjà utilisée.
user-invalid_status_transition = L'utilisateur ne peut pas passer de { $from } à { $to }.
user-not_invited = Cet utilisateur a déjà accepté l’invitation (ou a été désactivé) : il n’y a rien à renvoyer.
user-registration_not_expired = Cette inscription n’a pas expiré : elle a été confirmée, conservée par un administrateur, ou son délai de confirmation court encore.
