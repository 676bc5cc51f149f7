import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
  type RouteOptions,
} from 'fastify';
import ajvFormatsModule from 'ajv-formats';
import AjvCompiler from '@fastify/ajv-compiler';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger, Metrics } from '../observability/index.ts';
import { negotiateLanguage, type Language, type Translations } from '../i18n/index.ts';
import { commonErrors } from '../errors/index.ts';
import type { Authenticator } from './principal.ts';
import { createMethodIndex } from './allowed-methods.ts';
import { RequestLog } from './request-log.ts';
import { lazyChildLogger } from './lazy-logger.ts';
import './principal.ts';
import { buildProblem, sendProblem, toAppError } from './problem.ts';
import { invalidCharacters, mayHoldUnstorableJson, unstorableField } from './unstorable.ts';
import { tooDeep } from './nesting.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Taken from `X-Correlation-Id` when valid, otherwise new; echoed on every response. */
    correlationId: string;
    /** The negotiated language of this request (`?lang`, cookie, `Accept-Language`). */
    language: Language;
  }
}

/**
 * Query strings, path parameters and headers arrive as text, so their schemas coerce (`?page=2`
 * is the number 2; 'array' also lifts a single value into a list). A JSON body carries its own
 * types and is validated without coercion: `"name": true` is a type error, not the name "true",
 * and `"role": ["admin"]` is not the role admin.
 */
function bodiesKeepTheirTypes() {
  type Compile = (route: { schema: unknown; httpPart?: string }) => unknown;
  type Options = { customOptions?: Record<string, unknown> };
  const pool = AjvCompiler() as unknown as (externalSchemas: unknown, options: Options) => Compile;
  return (externalSchemas: unknown, options: Options): Compile => {
    const coercing = pool(externalSchemas, options);
    const exact = pool(externalSchemas, { ...options, customOptions: { ...options.customOptions, coerceTypes: false } });
    return (route) => (route.httpPart === 'body' ? exact : coercing)(route);
  };
}

// ajv-formats is CommonJS; under NodeNext its default export may arrive wrapped once more.
const ajvFormats = ((ajvFormatsModule as { default?: unknown }).default ?? ajvFormatsModule) as never;
const CORRELATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const correlationOf = Symbol('acci.correlationId');
type RawWithCorrelation = IncomingMessage & { [correlationOf]?: string };

/** Valid client ids are kept so a trace can be followed across services; anything else is replaced. */
export function correlationIdFor(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && CORRELATION_ID.test(value) ? value : randomUUID();
}

export type HttpServerOptions = {
  logger: Logger;
  metrics: Metrics;
  translations: Translations;
  trustProxy?: FastifyServerOptions['trustProxy'];
  bodyLimit?: number;
  /** Log every request at info level (off in benchmarks of the bare stack). */
  logRequests?: boolean;
  /** Resolves the caller of each request (`request.principal`); anonymous when absent. */
  authenticate?: Authenticator;
};

export type HttpServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

const ROUTER_OPTIONS = { ignoreTrailingSlash: true, maxParamLength: 200 };

/**
 * The Fastify instance every module plugs into: correlation ids, localized problem+json errors,
 * request metrics and structured logs are wired once here.
 *
 * @example
 *   const app = createHttpServer({ logger, metrics, translations });
 *   app.get('/api/v1/ping', async () => ({ ok: true }));
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { metrics, translations } = options;
  let requestCounter = 0;
  const requestIdPrefix = `${process.pid.toString(36)}-`;
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new RequestLog(options.logRequests !== false, options.logger),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId(raw: RawWithCorrelation) {
      raw[correlationOf] = correlationIdFor(raw.headers['x-correlation-id']);
      requestCounter = (requestCounter + 1) % Number.MAX_SAFE_INTEGER;
      return requestIdPrefix + requestCounter.toString(36);
    },
    childLoggerFactory(logger, bindings, childOptions, raw: RawWithCorrelation) {
      // A new literal: adding the property to Fastify's computed-key bindings object instead was
      // slower per request in an A/B of this chain (the logger then spreads and serializes it).
      return lazyChildLogger(logger, { ...bindings, correlationId: raw[correlationOf] }, childOptions);
    },
    ajv: {
      customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false, useDefaults: true },
      plugins: [[ajvFormats, { mode: 'fast' }]],
    },
    schemaController: { compilersFactory: { buildValidator: bodiesKeepTheirTypes() as never } },
    routerOptions: ROUTER_OPTIONS,
    // While closing, a request that still arrives on an open connection is served like the rest of
    // the drain (pools close after the server), not answered with Fastify's plain-JSON 503.
    return503OnClosing: false,
    // Router failures (undecodable URL, over-long path parameter) answer before any hook runs:
    // without this they would be Fastify's plain JSON instead of a localized problem.
    frameworkErrors(error, request, reply) {
      const id = (request.raw as RawWithCorrelation)[correlationOf] ?? randomUUID();
      request.correlationId = id;
      reply.header('x-correlation-id', id);
      const appError = toAppError(error);
      return sendProblem(reply, buildProblem(appError, translations, request), appError.headers);
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as HttpServer;

  app.decorateRequest('correlationId', '');
  app.decorateRequest('principal', null);
  app.decorateRequest('language', {
    getter(this: FastifyRequest) {
      const query = this.query as Record<string, unknown> | undefined;
      return negotiateLanguage({
        query: query?.lang,
        cookie: this.headers.cookie,
        acceptLanguage: this.headers['accept-language'],
      });
    },
  });

  app.addHook('onRoute', strictQuery);
  const methods = createMethodIndex(ROUTER_OPTIONS);
  app.addHook('onRoute', (route) => methods.add(route.method, route.url));

  app.addHook('onRequest', (request, reply, done) => {
    const id = (request.raw as RawWithCorrelation)[correlationOf] ?? randomUUID();
    request.correlationId = id;
    reply.header('x-correlation-id', id);
    done();
  });

  refuseUnstorableInput(app);

  const authenticate = options.authenticate;
  if (authenticate) {
    app.addHook('onRequest', async (request) => {
      request.principal = await authenticate(request);
    });
  }

  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) {
      request.log.error({ err: error, code: appError.code }, 'request failed');
    } else {
      request.log.info({ code: appError.code, status: appError.status }, 'request rejected');
    }
    return sendProblem(reply, buildProblem(appError, translations, request), appError.headers);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = methods.allowed(path);
    const appError = allowed.length > 0 ? commonErrors.methodNotAllowed(request.method, path, allowed) : commonErrors.routeNotFound(request.method, path);
    return sendProblem(reply, buildProblem(appError, translations, request), appError.headers);
  });

  return app;
}

const LANG_PARAM = { type: 'string', maxLength: 35, description: 'Response language: en, de, fr, es or sq (else the cookie, else Accept-Language)' };

/**
 * A route that declares its query parameters refuses others (400 `validation.unknown_field`): a
 * misspelt filter (`?subscriptionPlan=` for `?plan=`) must not quietly return everything. `lang`
 * is accepted on every such route, as the language negotiation reads it.
 */
function strictQuery(route: RouteOptions): void {
  const query = route.schema?.querystring as { type?: string; properties?: Record<string, unknown>; additionalProperties?: unknown } | undefined;
  if (!query?.properties || query.additionalProperties !== undefined) return;
  route.schema!.querystring = { ...query, additionalProperties: false, properties: { lang: LANG_PARAM, ...query.properties } };
}

/**
 * PostgreSQL cannot store U+0000 (nor, in jsonb, a lone surrogate): a body, query string or path
 * parameter holding one is refused with 400 `validation.invalid_characters`, naming the field,
 * for every route. Clean requests pay one `indexOf` on the body and one on the URL.
 */
function refuseUnstorableInput(app: HttpServer): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    // No body at all: clients that send this header on every request must still be able to log
    // out or revoke; routes that need a body refuse the missing one in validation.
    if (text.length === 0) return done(null, undefined);
    const deep = tooDeep(text);
    if (deep) return done(deep, undefined);
    if (!mayHoldUnstorableJson(text)) return parseJson(request, text, done);
    parseJson(request, text, (error, value) => {
      if (error) return done(error, undefined);
      const field = unstorableField(value, 'body');
      if (field === undefined) done(null, value);
      else done(invalidCharacters(field), undefined);
    });
  });
  // The API speaks JSON only: a text/plain body is 415 like any other media type, not a string that
  // fails the body schema with a confusing 400.
  app.removeContentTypeParser('text/plain');

  // After authentication, like schema validation: `%00` is the only way to put U+0000 in a URL
  // (the HTTP parser refuses a raw one; undecodable escapes stay undecoded or are a 400 bad URL).
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.url.indexOf('%00') === -1) return done();
    const field = unstorableField(request.params, 'params') ?? unstorableField(request.query, 'querystring');
    done(field === undefined ? undefined : invalidCharacters(field));
  });
}
