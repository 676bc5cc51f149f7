export { loggingMiddleware } from './logging.ts';
export { validationMiddleware, validatePayload } from './validation.ts';
export { authorizationMiddleware, tenantBoundaryAuthorize, enforce, type Authorize, type AuthorizationRequest } from './authorization.ts';
export { rateLimitMiddleware, unlimited, type RateLimit, type RateLimitDecision } from './rate-limit.ts';
export { idempotencyMiddleware, idempotencyErrors } from './idempotency.ts';
