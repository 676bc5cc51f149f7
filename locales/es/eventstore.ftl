# Errores del almacén de eventos. Las claves son códigos de error con los puntos cambiados por guiones.
eventstore-duplicate_event = Ya se ha registrado un evento con el identificador { $eventId }.
eventstore-invalid_append = El almacén de eventos rechazó la solicitud: { $reason }.
