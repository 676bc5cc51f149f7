# Command bus errors (src/framework/cqrs).
command-invalid_id = The idempotency key must be 1 to 200 letters, digits or . _ : - characters.
command-id_reused = The idempotency key { $commandId } was already used for a different request.
