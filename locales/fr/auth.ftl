# Authentification (module auth).
auth-invalid_credentials = L’adresse e-mail ou le mot de passe est incorrect.
auth-account_locked = Trop de tentatives de connexion échouées. Le compte est verrouillé ; réessayez dans { $retryAfter ->
    [one] une seconde
   *[other] { $retryAfter } secondes
  }.
auth-account_locked_by_admin = Ce compte est verrouillé. Contactez votre administrateur.
auth-account_disabled = Ce compte est désactivé.
auth-too_many_attempts = Trop de tentatives de connexion échouées depuis votre réseau. Réessayez dans { $retryAfter ->
    [one] une seconde
   *[other] { $retryAfter } secondes
  }.
auth-tenant_suspended = Cette organisation est suspendue.
auth-tenant_deleted = Cette organisation a été supprimée.
auth-ip_not_allowed = La connexion depuis votre adresse réseau n’est pas autorisée pour cette organisation.
auth-invalid_auth_method = La méthode de connexion « { $method } » n’est pas autorisée pour cette organisation.
auth-email_not_confirmed = Confirmez d’abord votre adresse e-mail grâce au lien envoyé.
auth-invalid_token = Le jeton d’accès est invalide.
auth-token_expired = Le jeton d’accès a expiré. Renouvelez-le ou reconnectez-vous.
auth-session_revoked = Cette session a pris fin. Reconnectez-vous.
auth-session_expired = La session a expiré. Reconnectez-vous.
auth-session_not_found = La session n’existe pas.
auth-invalid_refresh_token = Le jeton de rafraîchissement est invalide ou a déjà été utilisé.
auth-refresh_token_reused = Ce jeton de rafraîchissement a déjà été utilisé. Par sécurité, la session a été fermée ; reconnectez-vous.
auth-invalid_action_token = Le lien est invalide, a expiré ou a déjà été utilisé.
auth-registration_closed = L’inscription en libre-service n’est pas disponible pour cette organisation.
auth-password_too_short = Le mot de passe est trop court (au moins { $min } caractères).
auth-password_too_long = Le mot de passe est trop long (au plus { $max } caractères).
auth-password_missing_class = Le mot de passe doit contenir au moins { $kind ->
    [uppercase] une majuscule
    [lowercase] une minuscule
    [number] un chiffre
   *[special] un caractère spécial
  }.
auth-password_too_common = Ce mot de passe est trop courant. Choisissez-en un autre.
