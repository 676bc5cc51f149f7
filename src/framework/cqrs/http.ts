import type { FastifyRequest } from 'fastify';
import { commonErrors } from '../errors/index.ts';
import type { Command } from './command-bus.ts';
import type { Query } from './query-bus.ts';

type Envelope = { tenantId: string; principal: Command['principal']; correlationId: string };

function envelopeOf(request: FastifyRequest, tenantId: string | undefined): Envelope {
  const principal = request.principal ?? null;
  const tenant = tenantId ?? principal?.tenantId;
  // Anonymous, and the route did not name a tenant: only a signed-in caller can go on.
  if (tenant === undefined) throw commonErrors.unauthenticated();
  return { tenantId: tenant, principal, correlationId: request.correlationId };
}

/**
 * The envelope of a command sent from an HTTP route: principal, correlation id, the tenant (the
 * principal's unless given) and the `Idempotency-Key` header as the command id.
 *
 * @example
 *   app.post('/notes', { schema }, async (request, reply) =>
 *     reply.code(201).send(await createNote({ ...commandFromRequest(request), payload: request.body })));
 */
export function commandFromRequest(request: FastifyRequest, options: { tenantId?: string } = {}): Omit<Command, 'type' | 'payload'> {
  const key = request.headers['idempotency-key'];
  const commandId = Array.isArray(key) ? key[0] : key;
  return { ...envelopeOf(request, options.tenantId), ...(commandId !== undefined ? { commandId } : {}) };
}

/**
 * The envelope of a query sent from an HTTP route.
 *
 * @example
 *   app.get('/notes/:id', { schema }, async (request) => getNote({ ...queryFromRequest(request), params: request.params }));
 */
export function queryFromRequest(request: FastifyRequest, options: { tenantId?: string } = {}): Omit<Query, 'type' | 'params'> {
  return envelopeOf(request, options.tenantId);
}
