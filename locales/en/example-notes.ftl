# The example module (src/modules/example-notes).
note-not_found = There is no note { $noteId }.
note-already_exists = The note { $noteId } already exists.
note-archived = The note { $noteId } is archived and can no longer be changed.
note-title_taken = Another note is already titled "{ $title }".
