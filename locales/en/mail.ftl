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
