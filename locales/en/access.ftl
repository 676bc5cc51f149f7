# Access control: roles, permissions, quotas.
access-role_not_found = The role "{ $role }" does not exist.
access-role_exists = A role named "{ $role }" already exists.
access-role_in_use = The role "{ $role }" is still assigned to { $users ->
    [one] one user
   *[other] { $users } users
  }.
access-role_built_in = The built-in role "{ $role }" cannot be changed or deleted.
access-invalid_role_name = "{ $role }" is not a valid role name (custom:<name>, lower-case letters, digits, - and _).
access-unknown_permission = The permission "{ $permission }" does not exist.
access-platform_permission = The permission "{ $permission }" belongs to system administrators and cannot be granted by a tenant.
quota-api_calls_exceeded = This tenant has used all { $limit } API calls of its plan for this month.
quota-storage_exceeded = This tenant has reached its plan's storage limit ({ $limit } bytes).
