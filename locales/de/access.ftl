# Zugriffskontrolle: Rollen, Berechtigungen, Kontingente.
access-role_not_found = Die Rolle „{ $role }“ existiert nicht.
access-role_exists = Eine Rolle namens „{ $role }“ existiert bereits.
access-role_in_use = Die Rolle „{ $role }“ ist noch { $users ->
    [one] einem Benutzer
   *[other] { $users } Benutzern
  } zugewiesen.
access-role_built_in = Die eingebaute Rolle „{ $role }“ kann nicht geändert oder gelöscht werden.
access-invalid_role_name = „{ $role }“ ist kein gültiger Rollenname (custom:<name>, Kleinbuchstaben, Ziffern, - und _).
access-unknown_permission = Die Berechtigung „{ $permission }“ existiert nicht.
access-platform_permission = Die Berechtigung „{ $permission }“ gehört Systemadministratoren und kann nicht von einem Mandanten vergeben werden.
quota-api_calls_exceeded = Dieser Mandant hat alle { $limit } API-Aufrufe seines Tarifs für diesen Monat verbraucht.
quota-storage_exceeded = Dieser Mandant hat die Speichergrenze seines Tarifs erreicht ({ $limit } Bytes).
