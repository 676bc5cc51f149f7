import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import { redactQuerySecrets } from '../observability/logger.ts';
import { bindingsOf } from './lazy-logger.ts';

/**
 * One log line per request, written when it completes: method, route, status, duration, and
 * the tenant and user once the caller is known. Half the lines of Fastify's default pair.
 */
export class RequestLog extends LogController {
  constructor(enabled: boolean, private readonly root?: FastifyBaseLogger) {
    super({ disableRequestLogging: !enabled, requestIdLogLabel: 'requestId' });
  }

  private parent(fallback: FastifyBaseLogger): FastifyBaseLogger {
    return this.root ?? fallback;
  }

  override incomingRequest(): void {}

  /** Only Fastify's built-in 404 handler calls this (the server installs its own). */
  override routeNotFound(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.info({ method: request.method, url: redactQuerySecrets(request.url) }, 'route not found');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const principal = request.principal;
    const line = {
      method: request.method,
      url: redactQuerySecrets(request.url),
      route: request.routeOptions.url,
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
      remoteAddress: request.ip,
      ...(principal ? { tenantId: principal.tenantId, userId: principal.userId } : {}),
    };
    // Through the parent with the ids inline: no per-request pino child just for this line.
    const bound = bindingsOf(reply.log);
    const logger = bound ? this.parent(reply.log) : reply.log;
    if (error) logger.error({ ...bound, ...line, err: error }, 'request errored');
    else logger.info({ ...bound, ...line }, 'request completed');
  }
}
