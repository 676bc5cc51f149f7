# Fehler des Command-Bus (src/framework/cqrs).
command-invalid_id = Der Idempotenzschlüssel muss aus 1 bis 200 Buchstaben, Ziffern oder den Zeichen . _ : - bestehen.
command-id_reused = Der Idempotenzschlüssel { $commandId } wurde bereits für eine andere Anfrage verwendet.
