import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { RouteHistogram } from './route-histogram.ts';

it('exposes cumulative buckets, sum and count per series in the Prometheus text format', async () => {
  const registry = new Registry();
  const histogram = new RouteHistogram('probe_seconds', 'probe', [0.01, 0.1, 1], registry, 2);
  const labels = (route: string) => () => ({ route });
  for (const value of [0.005, 0.05, 0.05, 0.5, 5]) histogram.observe('a', labels('/a'), value);
  histogram.observe('b', labels('/b'), 0.2);
  histogram.observe('c', labels('/c'), 0.2); // over maxSeries: dropped, never grows without bound
  const text = await registry.metrics();
  assert.match(text, /# TYPE probe_seconds histogram/);
  assert.match(text, /probe_seconds_bucket\{le="0.01",route="\/a"\} 1\n/);
  assert.match(text, /probe_seconds_bucket\{le="0.1",route="\/a"\} 3\n/);
  assert.match(text, /probe_seconds_bucket\{le="1",route="\/a"\} 4\n/);
  assert.match(text, /probe_seconds_bucket\{le="\+Inf",route="\/a"\} 5\n/);
  assert.match(text, /probe_seconds_sum\{route="\/a"\} 5.605\n/);
  assert.match(text, /probe_seconds_count\{route="\/b"\} 1\n/);
  assert.doesNotMatch(text, /route="\/c"/);
});
