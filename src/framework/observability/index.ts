export { createLogger, redactUrl, REDACTED_PATHS, type Logger, type LogFormat } from './logger.ts';
export { createMetrics, type Metrics } from './metrics.ts';
export { runHealthChecks, type HealthCheck, type HealthReport } from './health.ts';
