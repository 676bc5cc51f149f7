# Contrôle d'accès : rôles, autorisations, quotas.
access-role_not_found = Le rôle « { $role } » n'existe pas.
access-role_exists = Un rôle nommé « { $role } » existe déjà.
access-role_in_use = Le rôle « { $role } » est encore attribué à { $users ->
    [one] un utilisateur
   *[other] { $users } utilisateurs
  }.
access-role_built_in = Le rôle intégré « { $role } » ne peut être ni modifié ni supprimé.
access-invalid_role_name = « { $role } » n'est pas un nom de rôle valide (custom:<nom>, minuscules, chiffres, - et _).
access-unknown_permission = L'autorisation « { $permission } » n'existe pas.
access-platform_permission = L'autorisation « { $permission } » est réservée aux administrateurs système et ne peut pas être accordée par un locataire.
quota-api_calls_exceeded = Ce locataire a utilisé les { $limit } appels API de son offre pour ce mois.
quota-storage_exceeded = Ce locataire a atteint la limite de stockage de son offre ({ $limit } octets).
