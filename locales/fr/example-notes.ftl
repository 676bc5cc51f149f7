# Le module d'exemple (src/modules/example-notes).
note-not_found = La note { $noteId } n'existe pas.
note-already_exists = La note { $noteId } existe déjà.
note-archived = La note { $noteId } est archivée et ne peut plus être modifiée.
note-title_taken = Une autre note porte déjà le titre « { $title } ».
