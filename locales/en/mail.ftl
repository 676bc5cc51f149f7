# Mail templates: mail-<template>-subject / mail-<template>-body (src/framework/mail).
mail-invitation-subject = You are invited to { $tenant }
mail-invitation-body =
    Hello,

    you have been invited to join { $tenant } on ACCI as { $email }.
    Accept the invitation and choose your password here:

    { $link }

    The link works once and expires in 7 days. If you did not expect this e-mail, ignore it.

mail-email_confirmation-subject = Confirm your e-mail address
mail-email_confirmation-body = Welcome! Confirm your e-mail address by opening this link within { $minutes } minutes:
    { $link }
mail-password_reset-subject = Reset your password
mail-password_reset-body = Someone asked to reset the password of your account. If it was you, open this link within { $minutes } minutes:
    { $link }
    If it was not you, ignore this message; your password stays unchanged.
mail-registration_attempt-subject = Someone tried to register with your address
mail-registration_attempt-body =
    Hello,

    someone tried to register an account for { $tenant } on ACCI with { $email }. This address already has an account there, so no new one was created.

    If it was you, sign in with your account. If you forgot your password, or never confirmed your address, reset your password: the reset also confirms the address.

    If it was not you, ignore this message; your account stays unchanged.
