import { Registry, Counter, Histogram, Gauge, collectDefaultMetrics } from 'prom-client';

/**
 * One metrics registry per server instance, so tests and several apps in one process never clash.
 * Modules add their own instruments with `registry`.
 */
export type Metrics = {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status_code'>;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  counter: <L extends string>(name: string, help: string, labelNames?: readonly L[]) => Counter<L>;
  histogram: <L extends string>(name: string, help: string, labelNames?: readonly L[], buckets?: number[]) => Histogram<L>;
  gauge: <L extends string>(name: string, help: string, labelNames?: readonly L[], collect?: (this: Gauge<L>) => void | Promise<void>) => Gauge<L>;
};

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'acci_' });

  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  const counter: Metrics['counter'] = (name, help, labelNames = []) =>
    existing(name) ?? new Counter({ name, help, labelNames, registers: [registry] });
  const histogram: Metrics['histogram'] = (name, help, labelNames = [], buckets) =>
    existing(name) ?? new Histogram({ name, help, labelNames, registers: [registry], ...(buckets ? { buckets } : {}) });
  const gauge: Metrics['gauge'] = (name, help, labelNames = [], collect) =>
    existing(name) ?? new Gauge({ name, help, labelNames, registers: [registry], ...(collect ? { collect } : {}) });

  return {
    registry,
    httpRequests: counter('acci_http_requests_total', 'HTTP requests answered', ['method', 'route', 'status_code']),
    httpDuration: histogram(
      'acci_http_request_duration_seconds',
      'HTTP request duration',
      ['method', 'route', 'status_code'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ),
    counter,
    histogram,
    gauge,
  };
}
