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
