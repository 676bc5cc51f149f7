# Fehler des Event-Stores. Schlüssel sind Fehlercodes, Punkte durch Bindestriche ersetzt.
eventstore-duplicate_event = Ein Ereignis mit der Kennung { $eventId } wurde bereits gespeichert.
eventstore-invalid_append = Der Event-Store hat die Anfrage abgelehnt: { $reason }.
