import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../errors/index.ts';
import type { Translations } from '../i18n/index.ts';

/** The error body of SPEC §4, also a valid RFC 9457 problem document. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  message: string;
  details?: unknown;
  correlationId: string;
  timestamp: string;
};

type AjvError = { keyword: string; instancePath: string; params: Record<string, unknown>; message?: string };

const VALIDATION_CODES: Record<string, string> = {
  required: 'validation.required',
  maxLength: 'validation.field_too_long',
  minLength: 'validation.field_too_short',
  maxItems: 'validation.too_many_items',
  minItems: 'validation.too_few_items',
  maximum: 'validation.out_of_range',
  minimum: 'validation.out_of_range',
  exclusiveMaximum: 'validation.out_of_range',
  exclusiveMinimum: 'validation.out_of_range',
  format: 'validation.invalid_format',
  pattern: 'validation.invalid_format',
  type: 'validation.invalid_type',
  enum: 'validation.invalid_value',
  const: 'validation.invalid_value',
  anyOf: 'validation.invalid_value',
  oneOf: 'validation.invalid_value',
  additionalProperties: 'validation.unknown_field',
  maxProperties: 'validation.too_many_items',
  uniqueItems: 'validation.duplicate_items',
};

function fieldOf(error: AjvError, context: string | undefined): string {
  const base = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra =
    (error.params.missingProperty as string | undefined) ?? (error.params.additionalProperty as string | undefined);
  const path = [base, extra].filter(Boolean).join('.');
  return path || context || 'body';
}

function limitOf(error: AjvError): string | number {
  const p = error.params;
  const limit = p.limit ?? p.format ?? p.type ?? p.pattern ?? p.allowedValues ?? '';
  return Array.isArray(limit) ? limit.join(', ') : (limit as string | number);
}

/** Turns Fastify's schema validation failure into our stable validation codes. */
export function validationError(errors: readonly AjvError[], context: string | undefined): AppError {
  const items = errors.map((error) => ({
    field: fieldOf(error, context),
    code: VALIDATION_CODES[error.keyword] ?? 'validation.invalid_value',
    limit: limitOf(error),
  }));
  const first = items[0] ?? { field: context ?? 'body', code: 'validation.invalid_value', limit: '' };
  return new AppError(first.code, 400, { field: first.field, limit: first.limit }, { details: items });
}

const FASTIFY_CODES: Record<string, [string, number]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['request.body_too_large', 413],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['request.unsupported_media_type', 415],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['request.invalid_body', 400],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['request.invalid_body', 400],
  FST_ERR_CTP_INVALID_JSON_BODY: ['request.malformed_json', 400],
  FST_ERR_BAD_URL: ['request.bad_url', 400],
  FST_ERR_MAX_PARAM_LENGTH: ['request.bad_url', 414],
  FST_ERR_ASYNC_CONSTRAINT: ['request.invalid', 400],
};

/** Any thrown value becomes an AppError; unknown failures become `internal.error`. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const fastifyError = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fastifyError?.validation) return validationError(fastifyError.validation, fastifyError.validationContext);
  const known = fastifyError?.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return new AppError(known[0], known[1], {}, { cause: error });
  if (error instanceof SyntaxError || fastifyError?.name === 'SyntaxError') {
    return new AppError('request.malformed_json', 400, {}, { cause: error });
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('request.invalid', status, {}, { cause: error });
  }
  return new AppError('internal.error', 500, {}, { cause: error });
}

export function buildProblem(error: AppError, translations: Translations, request: FastifyRequest): Problem {
  const message = translations.format(request.language, error.code, error.params);
  const problem: Problem = {
    type: `urn:acci:problem:${error.code}`,
    title: STATUS_CODES[error.status] ?? 'Error',
    status: error.status,
    detail: message,
    code: error.code,
    message,
    correlationId: request.correlationId,
    timestamp: new Date().toISOString(),
  };
  if (error.details !== undefined) problem.details = localizeDetails(error.details, translations, request);
  return problem;
}

function localizeDetails(details: unknown, translations: Translations, request: FastifyRequest): unknown {
  if (!Array.isArray(details)) return details;
  return details.map((item: unknown) => {
    if (!item || typeof item !== 'object' || !('code' in item)) return item;
    const entry = item as { code: string; field?: string; limit?: string | number };
    const params: Record<string, string | number> = { field: entry.field ?? '', limit: entry.limit ?? '' };
    return { ...entry, message: translations.format(request.language, entry.code, params) };
  });
}

export function sendProblem(reply: FastifyReply, problem: Problem, headers: Record<string, string>): FastifyReply {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(problem);
}
