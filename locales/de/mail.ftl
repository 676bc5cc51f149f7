# Mail templates: mail-<template>-subject / mail-<template>-body (src/framework/mail).
mail-invitation-subject = Einladung zu { $tenant }
mail-invitation-body =
    Hallo,

    Sie wurden eingeladen, { $tenant } auf ACCI als { $email } beizutreten.
    Nehmen Sie die Einladung an und wählen Sie Ihr Passwort hier:

    { $link }

    Der Link funktioniert einmal und läuft in 7 Tagen ab. Wenn Sie diese E-Mail nicht erwartet haben, ignorieren Sie sie.

mail-email_confirmation-subject = Bestätigen Sie Ihre E-Mail-Adresse
mail-email_confirmation-body = Willkommen! Bestätigen Sie Ihre E-Mail-Adresse, indem Sie diesen Link innerhalb von { $minutes } Minuten öffnen:
    { $link }
mail-password_reset-subject = Passwort zurücksetzen
mail-password_reset-body = Jemand hat angefordert, das Passwort Ihres Kontos zurückzusetzen. Wenn Sie das waren, öffnen Sie diesen Link innerhalb von { $minutes } Minuten:
    { $link }
    Wenn nicht, ignorieren Sie diese Nachricht; Ihr Passwort bleibt unverändert.
mail-registration_attempt-subject = Jemand wollte sich mit Ihrer Adresse registrieren
mail-registration_attempt-body =
    Hallo,

    jemand wollte für { $tenant } auf ACCI ein Konto mit { $email } registrieren. Für diese Adresse gibt es dort bereits ein Konto, daher wurde kein neues angelegt.

    Wenn Sie das waren, melden Sie sich mit Ihrem Konto an. Wenn Sie Ihr Passwort vergessen oder Ihre Adresse nie bestätigt haben, setzen Sie Ihr Passwort zurück: Das Zurücksetzen bestätigt auch die Adresse.

    Wenn nicht, ignorieren Sie diese Nachricht; Ihr Konto bleibt unverändert.
