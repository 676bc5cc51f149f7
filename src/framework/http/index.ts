export { createHttpServer, correlationIdFor, type HttpServer, type HttpServerOptions } from './server.ts';
export { registerOpsRoutes } from './ops-routes.ts';
export { registerOpenApi } from './openapi.ts';
export { toAppError, buildProblem, sendProblem, validationError, type Problem } from './problem.ts';
export { ProblemSchema, problems } from './problem-schema.ts';
export { requirePrincipal, type Principal, type Authenticator, type RouteAccess } from './principal.ts';
export { PageQuery, MAX_PAGE, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from './pagination.ts';
export { invalidCharacters, unstorableField } from './unstorable.ts';
export { MAX_JSON_DEPTH, jsonDepthExceeds } from './nesting.ts';
