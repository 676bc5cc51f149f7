import type { Registry } from 'prom-client';

type Series = { labels: Record<string, string>; buckets: Float64Array; sum: number; count: number };

/**
 * A histogram for the request hot path, exposed through the prom-client registry like any other
 * metric. prom-client's own `observe` validates and hashes the label set on every call (several
 * microseconds per request); here a series is found by one string key and an observation is a
 * bucket search and two additions. Cumulative bucket counts are computed only when scraped.
 */
export class RouteHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
    private readonly maxSeries = 5_000,
  ) {
    registry.registerMetric(this as never);
  }

  observe(key: string, labels: () => Record<string, string>, value: number): void {
    let series = this.series.get(key);
    if (!series) {
      if (this.series.size >= this.maxSeries) return; // unbounded label values must not exhaust memory
      series = { labels: labels(), buckets: new Float64Array(this.bounds.length), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        series.buckets[i]!++;
        break;
      }
    }
    series.sum += value;
    series.count++;
  }

  /** The shape prom-client's registry formats (`name`, `help`, `type`, `values`). */
  get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const series of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += series.buckets[i]!;
        values.push({ labels: { le: bound, ...series.labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...series.labels }, value: series.count, metricName: `${this.name}_bucket` });
      values.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: series.labels, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.series.clear();
  }
}
