export { createHttpServer, correlationIdFor, type HttpServer, type HttpServerOptions } from './server.ts';
export { registerOpsRoutes } from './ops-routes.ts';
export { registerOpenApi } from './openapi.ts';
export { toAppError, buildProblem, sendProblem, validationError, type Problem } from './problem.ts';
export { requirePrincipal, type Principal, type Authenticator, type RouteAccess } from './principal.ts';
