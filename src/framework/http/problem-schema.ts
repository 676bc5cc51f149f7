import { Type } from 'typebox';

/** The error body (see `Problem` in problem.ts) as a response schema: serialization and OpenAPI. */
export const ProblemSchema = Type.Object({
  type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.String(), code: Type.String(), message: Type.String(),
  details: Type.Optional(Type.Unknown()), correlationId: Type.String(), timestamp: Type.String(),
});

/**
 * Problem responses for a route's schema, by status.
 *
 * @example
 *   response: { 200: Tenant, ...problems(404, 409) }
 */
export const problems = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, ProblemSchema]));
