# Mail templates: mail-<template>-subject / mail-<template>-body (src/framework/mail).
mail-invitation-subject = Invitación a { $tenant }
mail-invitation-body =
    Hola:

    le han invitado a unirse a { $tenant } en ACCI como { $email }.
    Acepte la invitación y elija su contraseña aquí:

    { $link }

    El enlace funciona una vez y caduca en 7 días. Si no esperaba este correo, ignórelo.

mail-email_confirmation-subject = Confirme su dirección de correo
mail-email_confirmation-body = ¡Bienvenido! Confirme su dirección de correo abriendo este enlace en los próximos { $minutes } minutos:
    { $link }
mail-password_reset-subject = Restablezca su contraseña
mail-password_reset-body = Alguien solicitó restablecer la contraseña de su cuenta. Si fue usted, abra este enlace en los próximos { $minutes } minutos:
    { $link }
    Si no fue usted, ignore este mensaje; su contraseña no cambia.
mail-registration_attempt-subject = Alguien intentó registrarse con su dirección
mail-registration_attempt-body =
    Hola:

    alguien intentó registrar una cuenta para { $tenant } en ACCI con { $email }. Esta dirección ya tiene una cuenta allí, así que no se creó ninguna nueva.

    Si fue usted, inicie sesión con su cuenta. Si olvidó su contraseña o nunca confirmó su dirección, restablezca su contraseña: el restablecimiento también confirma la dirección.

    Si no fue usted, ignore este mensaje; su cuenta no cambia.
