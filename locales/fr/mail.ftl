# Mail templates: mail-<template>-subject / mail-<template>-body (src/framework/mail).
mail-invitation-subject = Invitation à rejoindre { $tenant }
mail-invitation-body =
    Bonjour,

    vous êtes invité à rejoindre { $tenant } sur ACCI en tant que { $email }.
    Acceptez l’invitation et choisissez votre mot de passe ici :

    { $link }

    Le lien ne fonctionne qu’une fois et expire dans 7 jours. Si vous n’attendiez pas cet e-mail, ignorez-le.

mail-email_confirmation-subject = Confirmez votre adresse e-mail
mail-email_confirmation-body = Bienvenue ! Confirmez votre adresse e-mail en ouvrant ce lien dans les { $minutes } minutes :
    { $link }
mail-password_reset-subject = Réinitialisez votre mot de passe
mail-password_reset-body = Quelqu’un a demandé la réinitialisation du mot de passe de votre compte. Si c’est vous, ouvrez ce lien dans les { $minutes } minutes :
    { $link }
    Sinon, ignorez ce message ; votre mot de passe reste inchangé.
mail-registration_attempt-subject = Quelqu’un a tenté de s’inscrire avec votre adresse
mail-registration_attempt-body =
    Bonjour,

    quelqu’un a tenté de créer un compte pour { $tenant } sur ACCI avec { $email }. Cette adresse y a déjà un compte : aucun nouveau compte n’a été créé.

    Si c’est vous, connectez-vous avec votre compte. Si vous avez oublié votre mot de passe, ou n’avez jamais confirmé votre adresse, réinitialisez votre mot de passe : la réinitialisation confirme aussi l’adresse.

    Sinon, ignorez ce message ; votre compte reste inchangé.
