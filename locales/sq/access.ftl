# Kontrolli i aksesit: role, leje, kuota.
access-role_not_found = Roli "{ $role }" nuk ekziston.
access-role_exists = Një rol me emrin "{ $role }" ekziston tashmë.
access-role_in_use = Roli "{ $role }" është ende i caktuar për { $users ->
    [one] një përdorues
   *[other] { $users } përdorues
  }.
access-role_built_in = Roli i integruar "{ $role }" nuk mund të ndryshohet ose fshihet.
access-invalid_role_name = "{ $role }" nuk është emër i vlefshëm roli (custom:<emër>, shkronja të vogla, shifra, - dhe _).
access-unknown_permission = Leja "{ $permission }" nuk ekziston.
access-platform_permission = Leja "{ $permission }" u përket administratorëve të sistemit dhe nuk mund të jepet nga një qiramarrës.
quota-api_calls_exceeded = Ky qiramarrës ka përdorur të gjitha { $limit } thirrjet API të planit të tij për këtë muaj.
quota-storage_exceeded = Ky qiramarrës ka arritur kufirin e hapësirës së planit ({ $limit } bajt).
