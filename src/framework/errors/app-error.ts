/**
 * The one error type of ACCI. `code` is stable and doubles as the Fluent message key
 * (dots become hyphens); `params` fill the localized message; `details` travel to the client.
 *
 * @example
 *   throw new AppError('tenant.not_found', 404, { tenantId });
 */
export type ErrorParams = Record<string, string | number>;

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly params: ErrorParams;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    status: number,
    params: ErrorParams = {},
    options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(code, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.params = params;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** Errors shared by every module; module catalogs live beside their module. */
export const commonErrors = {
  notFound: (resource: string) => new AppError('resource.not_found', 404, { resource }),
  routeNotFound: (method: string, url: string) => new AppError('route.not_found', 404, { method, url }),
  methodNotAllowed: (method: string, url: string, allowed: readonly string[]) =>
    new AppError('route.method_not_allowed', 405, { method, url, allowed: allowed.join(', ') }, { headers: { allow: allowed.join(', ') } }),
  unauthenticated: () => new AppError('auth.unauthenticated', 401),
  forbidden: () => new AppError('auth.forbidden', 403),
  conflict: (resource: string) => new AppError('resource.conflict', 409, { resource }),
  versionConflict: (streamId: string, expected: string, actual: string) =>
    new AppError('concurrency.version_conflict', 409, { streamId, expected, actual }),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('rate_limit.exceeded', 429, { retryAfter: retryAfterSeconds }, {
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  unavailable: (dependency: string) => new AppError('service.unavailable', 503, { dependency }),
  internal: () => new AppError('internal.error', 500),
};
