# Mail templates: mail-<template>-subject / mail-<template>-body (src/framework/mail).
mail-invitation-subject = Invitation à rejoindre { $tenant }
mail-invitation-body =
    Bonjour,

    vous êtes invité à rejoindre { $tenant } sur ACCI en tant que { $email }.
    Acceptez l’invitation et choisissez votre mot de passe ici :

    { $link }

    Le lien ne fonctionne qu’une fois et expire dans 7 jours. Si vous n’attendiez pas cet e-mail, ignorez-le.
