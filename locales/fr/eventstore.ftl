# Erreurs du magasin d’événements. Les clés sont les codes d’erreur, points remplacés par des tirets.
eventstore-duplicate_event = Un événement avec l’identifiant { $eventId } a déjà été enregistré.
eventstore-invalid_append = Le magasin d’événements a refusé la demande : { $reason }.
