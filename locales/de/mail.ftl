# Mail templates: mail-<template>-subject / mail-<template>-body (src/framework/mail).
mail-invitation-subject = Einladung zu { $tenant }
mail-invitation-body =
    Hallo,

    Sie wurden eingeladen, { $tenant } auf ACCI als { $email } beizutreten.
    Nehmen Sie die Einladung an und wählen Sie Ihr Passwort hier:

    { $link }

    Der Link funktioniert einmal und läuft in 7 Tagen ab. Wenn Sie diese E-Mail nicht erwartet haben, ignorieren Sie sie.
