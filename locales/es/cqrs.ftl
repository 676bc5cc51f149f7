# Errores del bus de comandos (src/framework/cqrs).
command-invalid_id = La clave de idempotencia debe tener de 1 a 200 letras, dígitos o caracteres . _ : -.
command-id_reused = La clave de idempotencia { $commandId } ya se usó para otra solicitud.
