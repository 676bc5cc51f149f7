import { Registry, Counter, Histogram, Gauge, collectDefaultMetrics } from 'prom-client';
import { RouteHistogram } from './route-histogram.ts';

/**
 * One metrics registry per server instance, so tests and several apps in one process never clash.
 * Modules add their own instruments with `registry`.
 */
export type Metrics = {
  registry: Registry;
  /** Rate, errors and duration per route in one instrument: `_count` by status is the RED rate. */
  httpDuration: RouteHistogram;
  /** Records one HTTP request; label children are cached so the hot path skips label hashing. */
  observeHttp: (method: string, route: string, statusCode: number, seconds: number) => void;
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

  const httpDuration = new RouteHistogram(
    'acci_http_request_duration_seconds',
    'HTTP request duration by route template and status (its _count is the request rate)',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registry,
  );
  const observeHttp: Metrics['observeHttp'] = (method, route, statusCode, seconds) => {
    httpDuration.observe(`${method} ${statusCode} ${route}`, () => ({ method, route, status_code: String(statusCode) }), seconds);
  };

  return {
    registry,
    httpDuration,
    observeHttp,
    counter,
    histogram,
    gauge,
  };
}
