# Mail templates: mail-<template>-subject / mail-<template>-body (src/framework/mail).
mail-invitation-subject = You are invited to { $tenant }
mail-invitation-body =
    Hello,

    you have been invited to join { $tenant } on ACCI as { $email }.
    Accept the invitation and choose your password here:

    { $link }

    The link works once and expires in 7 days. If you did not expect this e-mail, ignore it.
