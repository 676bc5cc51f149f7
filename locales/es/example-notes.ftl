# El módulo de ejemplo (src/modules/example-notes).
note-not_found = No existe la nota { $noteId }.
note-already_exists = La nota { $noteId } ya existe.
note-archived = La nota { $noteId } está archivada y ya no se puede modificar.
note-title_taken = Otra nota ya tiene el título «{ $title }».
