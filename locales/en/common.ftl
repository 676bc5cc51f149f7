# Errors shared by every module. Keys are error codes with dots replaced by hyphens.
resource-not_found = The requested { $resource } does not exist.
route-not_found = No route matches { $method } { $url }.
route-method_not_allowed = { $method } is not allowed on { $url }; allowed: { $allowed }.
resource-conflict = The { $resource } conflicts with an existing one.
concurrency-version_conflict = The data was changed by someone else at the same time. Reload and try again.
rate_limit-exceeded = Too many requests. Try again in { $retryAfter ->
    [one] one second
   *[other] { $retryAfter } seconds
  }.
service-unavailable = A required service ({ $dependency }) is unavailable. Try again shortly.
internal-error = An unexpected error occurred. The team has been notified.
auth-unauthenticated = You need to sign in to do this.
auth-forbidden = You are not allowed to do this.
request-body_too_large = The request body is too large.
request-unsupported_media_type = This content type is not supported; send application/json.
request-invalid_body = The request body is empty or incomplete.
request-malformed_json = The request body is not valid JSON.
request-bad_url = The request URL is malformed.
request-invalid = The request is invalid.
validation-required = The field "{ $field }" is required.
validation-field_too_long = The field "{ $field }" is too long (at most { $limit ->
    [one] { $limit } character
   *[other] { $limit } characters
  }).
validation-field_too_short = The field "{ $field }" is too short (at least { $limit ->
    [one] { $limit } character
   *[other] { $limit } characters
  }).
validation-too_many_items = The field "{ $field }" has too many entries (at most { $limit }).
validation-too_few_items = The field "{ $field }" has too few entries (at least { $limit }).
validation-out_of_range = The field "{ $field }" is out of range (limit { $limit }).
validation-invalid_format = The field "{ $field }" has an invalid format.
validation-invalid_type = The field "{ $field }" has the wrong type (expected { $limit }).
validation-invalid_value = The field "{ $field }" has a value that is not allowed.
validation-unknown_field = The field "{ $field }" is not recognized.
validation-duplicate_items = The field "{ $field }" contains duplicate entries.
validation-invalid_characters = The field "{ $field }" contains characters that cannot be stored (such as the NUL character U+0000).
validation-nesting_too_deep = The request body is nested too deeply (at most { $limit } levels).
