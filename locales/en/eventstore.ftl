# Event store errors. Keys are error codes with dots replaced by hyphens.
eventstore-duplicate_event = An event with the id { $eventId } has already been recorded.
eventstore-invalid_append = The event store refused the request: { $reason }.
