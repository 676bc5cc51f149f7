# Gabimet e magazinës së ngjarjeve. Çelësat janë kode gabimi me pikat të zëvendësuara me viza.
eventstore-duplicate_event = Një ngjarje me identifikuesin { $eventId } është regjistruar tashmë.
eventstore-invalid_append = Magazina e ngjarjeve e refuzoi kërkesën: { $reason }.
