# Mail templates: mail-<template>-subject / mail-<template>-body (src/framework/mail).
mail-invitation-subject = Jeni ftuar në { $tenant }
mail-invitation-body =
    Përshëndetje,

    jeni ftuar t’i bashkoheni { $tenant } në ACCI si { $email }.
    Pranoni ftesën dhe zgjidhni fjalëkalimin tuaj këtu:

    { $link }

    Lidhja funksionon një herë dhe skadon pas 7 ditësh. Nëse nuk e prisnit këtë e-mail, shpërfilleni.
