# Moduli shembull (src/modules/example-notes).
note-not_found = Nuk ekziston shënimi { $noteId }.
note-already_exists = Shënimi { $noteId } ekziston tashmë.
note-archived = Shënimi { $noteId } është arkivuar dhe nuk mund të ndryshohet më.
note-title_taken = Një shënim tjetër e ka tashmë titullin "{ $title }".
