# Mail templates: mail-<template>-subject / mail-<template>-body (src/framework/mail).
mail-invitation-subject = Invitación a { $tenant }
mail-invitation-body =
    Hola:

    le han invitado a unirse a { $tenant } en ACCI como { $email }.
    Acepte la invitación y elija su contraseña aquí:

    { $link }

    El enlace funciona una vez y caduca en 7 días. Si no esperaba este correo, ignórelo.
