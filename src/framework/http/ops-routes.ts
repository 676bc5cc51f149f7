import { Type } from 'typebox';
import type { HttpServer } from './server.ts';
import { runHealthChecks, type HealthCheck, type Metrics } from '../observability/index.ts';

const CheckResult = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  durationMs: Type.Number(),
  error: Type.Optional(Type.String()),
});
const HealthReport = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Record(Type.String(), CheckResult),
});

/** `/health/live`, `/health/ready` and `/metrics`: the operator's view of one instance. */
export function registerOpsRoutes(
  app: HttpServer,
  options: { metrics: Metrics; readinessChecks: () => readonly HealthCheck[]; isShuttingDown: () => boolean },
): void {
  app.get('/health/live', {
    schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    logLevel: 'warn',
    config: { public: true },
  }, async () => ({ status: 'ok' as const }));

  app.get('/health/ready', {
    schema: {
      tags: ['operations'],
      summary: 'Readiness: every dependency this instance needs is reachable',
      response: { 200: HealthReport, 503: HealthReport },
    },
    logLevel: 'warn',
    config: { public: true },
  }, async (_request, reply) => {
    if (options.isShuttingDown()) {
      return reply.code(503).send({ status: 'unavailable' as const, checks: {} });
    }
    const report = await runHealthChecks(options.readinessChecks());
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });

  app.get('/metrics', {
    schema: { tags: ['operations'], summary: 'Prometheus metrics', produces: ['text/plain'] },
    logLevel: 'warn',
    config: { public: true },
  }, async (_request, reply) => {
    const body = await options.metrics.registry.metrics();
    return reply.type(options.metrics.registry.contentType).send(body);
  });
}
