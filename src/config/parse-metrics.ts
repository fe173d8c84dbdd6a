/**
 * W&B's `metrics:` block (several objectives): a list of at least two metric blocks, each read
 * as `metric:` is (parse-metric.ts), with distinct names. `metric` and `metrics` exclude each other.
 */
import type { MetricSpec } from './types.js';
import type { NodeReader, Val } from './node-reader.js';
import { parseMetric } from './parse-metric.js';

export function parseMetrics(r: NodeReader, val: Val): MetricSpec[] | undefined {
  const items = r.items(val, 'metrics');
  if (!items) return undefined;
  if (items.length < 2) {
    r.sink.error(
      val.at,
      val.path,
      `metrics must list at least two metrics (one objective is written metric: {name: ..., goal: ...}), but got ${items.length}`,
    );
    return undefined;
  }
  const out: MetricSpec[] = [];
  const seen = new Map<string, Val>();
  let ok = true;
  for (const item of items) {
    const metric = parseMetric(r, item);
    if (!metric) {
      ok = false;
      continue;
    }
    const first = seen.get(metric.name);
    if (first) {
      const pos = r.sink.position(first.at);
      r.sink.error(item.at, item.path, `metrics must have distinct names, but "${metric.name}" is listed twice${pos ? ` (first at line ${pos.line}, column ${pos.column})` : ''}`);
      ok = false;
      continue;
    }
    seen.set(metric.name, item);
    out.push(metric);
  }
  return ok ? out : undefined;
}
