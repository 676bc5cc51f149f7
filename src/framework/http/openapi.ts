import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { HttpServer } from './server.ts';
import { problems } from './problem-schema.ts';

type OpenApiDocument = { paths?: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>> };

type QuerySchema = { properties?: Record<string, { default?: unknown }>; required?: string[] };

/** A query parameter with a default (`page`, `pageSize`) may be left out: the document must not call it required. */
function optionalDefaults(schema: { querystring?: QuerySchema }): { querystring?: QuerySchema } {
  const query = schema.querystring;
  if (!query?.required || !query.properties) return {};
  return { querystring: { ...query, required: query.required.filter((name) => query.properties?.[name]?.default === undefined) } };
}

type RouteSchema = { body?: unknown; querystring?: unknown; params?: unknown; response?: Record<string, unknown> };

/**
 * The errors any API route can answer, whatever it declares itself: 400 for bad input, 401 and 403
 * on authenticated routes (a missing or revoked token, a permission, an address outside the
 * tenant's ranges), 413 and 415 for a body too large or not JSON, 429 from the rate limits, 500
 * and 503 (database unavailable). A route's own declaration of a status wins.
 */
function commonErrors(url: string, schema: RouteSchema, isPublic: boolean): { response?: Record<string, unknown> } {
  if (!url.startsWith('/api/v1')) return {};
  const statuses = [
    ...(schema.body || schema.querystring || schema.params ? [400] : []),
    ...(isPublic ? [] : [401, 403]),
    ...(schema.body ? [413, 415] : []),
    429, 500, 503,
  ];
  return { response: { ...problems(...statuses), ...schema.response } };
}

/**
 * Error answers of the API are `application/problem+json` (RFC 9457), as the server sends them;
 * the operations routes (`/health/ready` 503 is its report) answer plain JSON.
 */
function problemMediaType<T>(document: T): T {
  for (const [path, operations] of Object.entries((document as OpenApiDocument).paths ?? {})) {
    if (!path.startsWith('/api/')) continue;
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (Number(status) < 400 || json === undefined || !response.content) continue;
        delete response.content['application/json'];
        response.content['application/problem+json'] = json;
      }
    }
  }
  return document;
}

/**
 * Registers the OpenAPI 3.1 generator (from route schemas, never by hand) and the rendered docs.
 * Must run before any route is added so every route is documented.
 */
export async function registerOpenApi(app: HttpServer, info: { title: string; version: string; description: string }): Promise<void> {
  await app.register(swagger, {
    // Every route declares who may call it (config.public or config.permission): the document says so.
    transform: ({ schema, url, route }) => {
      const config = (route.config ?? {}) as { public?: boolean; permission?: string };
      if (!schema || (schema as { security?: unknown }).security !== undefined) return { schema, url };
      const access = config.public
        ? { security: [] }
        : { security: [{ bearerAuth: [] }], ...(config.permission ? { 'x-permission': config.permission } : {}) };
      const documented = { ...schema, ...access, ...optionalDefaults(schema as { querystring?: QuerySchema }), ...commonErrors(url, schema as RouteSchema, config.public === true) };
      return { schema: documented as typeof schema, url };
    },
    transformObject: (documents) => problemMediaType('openapiObject' in documents ? documents.openapiObject : documents.swaggerObject),
    openapi: {
      openapi: '3.1.0',
      info,
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
  });
  // The docs are public; swagger-ui takes no route config, so its routes are marked here.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await docs.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  });
  app.get('/api/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
}
