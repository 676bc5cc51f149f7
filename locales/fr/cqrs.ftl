# Erreurs du bus de commandes (src/framework/cqrs).
command-invalid_id = La clé d'idempotence doit comporter de 1 à 200 lettres, chiffres ou caractères . _ : -.
command-id_reused = La clé d'idempotence { $commandId } a déjà été utilisée pour une autre requête.
