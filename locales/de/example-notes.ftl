# Das Beispielmodul (src/modules/example-notes).
note-not_found = Es gibt keine Notiz { $noteId }.
note-already_exists = Die Notiz { $noteId } existiert bereits.
note-archived = Die Notiz { $noteId } ist archiviert und kann nicht mehr geändert werden.
note-title_taken = Eine andere Notiz hat bereits den Titel „{ $title }“.
