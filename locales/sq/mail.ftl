# Mail templates: mail-<template>-subject / mail-<template>-body (src/framework/mail).
mail-invitation-subject = Jeni ftuar në { $tenant }
mail-invitation-body =
    Përshëndetje,

    jeni ftuar t’i bashkoheni { $tenant } në ACCI si { $email }.
    Pranoni ftesën dhe zgjidhni fjalëkalimin tuaj këtu:

    { $link }

    Lidhja funksionon një herë dhe skadon pas 7 ditësh. Nëse nuk e prisnit këtë e-mail, shpërfilleni.

mail-email_confirmation-subject = Konfirmoni adresën tuaj e-mail
mail-email_confirmation-body = Mirë se vini! Konfirmoni adresën tuaj e-mail duke hapur këtë lidhje brenda { $minutes } minutave:
    { $link }
mail-password_reset-subject = Rivendosni fjalëkalimin
mail-password_reset-body = Dikush kërkoi të rivendosë fjalëkalimin e llogarisë suaj. Nëse ishit ju, hapni këtë lidhje brenda { $minutes } minutave:
    { $link }
    Nëse nuk ishit ju, shpërfilleni këtë mesazh; fjalëkalimi juaj mbetet i pandryshuar.
mail-registration_attempt-subject = Dikush u përpoq të regjistrohej me adresën tuaj
mail-registration_attempt-body =
    Përshëndetje,

    dikush u përpoq të regjistronte një llogari për { $tenant } në ACCI me { $email }. Kjo adresë ka tashmë një llogari atje, prandaj nuk u krijua asnjë e re.

    Nëse ishit ju, hyni me llogarinë tuaj. Nëse e keni harruar fjalëkalimin ose nuk e keni konfirmuar kurrë adresën, rivendosni fjalëkalimin: rivendosja e konfirmon edhe adresën.

    Nëse nuk ishit ju, shpërfilleni këtë mesazh; llogaria juaj mbetet e pandryshuar.
