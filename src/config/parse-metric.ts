/** The `metric:` block: W&B's name, goal, target, impute, impute_while_running, plus `summary`. */
import type { MetricSpec } from './types.js';
import type { NodeReader, Val } from './node-reader.js';

const KEYS = ['name', 'goal', 'target', 'impute', 'impute_while_running', 'summary'] as const;
const GOALS = ['minimize', 'maximize'] as const;

export function parseMetric(r: NodeReader, val: Val): MetricSpec | undefined {
  const entries = r.entries(val, 'metric');
  if (!entries) return undefined;
  const before = r.sink.errors.length;
  r.rejectUnknownKeys(entries, KEYS, 'metric');
  const get = (key: string) => entries.find((e) => e.key === key);
  const nameE = get('name');
  if (!nameE) r.sink.error(val.at, val.path, 'metric needs name (the metric your training script logs), but got none');
  const name = nameE ? r.string(nameE, 'name') : undefined;
  if (nameE && name === '') r.sink.error(nameE.at, nameE.path, 'name must not be empty');
  const goalE = get('goal');
  const goal = goalE ? r.oneOf(goalE, GOALS, 'goal') : 'minimize';
  const targetE = get('target');
  const target = targetE ? r.number(targetE, 'target') : undefined;
  const summaryE = get('summary');
  const summary = summaryE ? r.oneOf(summaryE, ['best', 'last'] as const, 'summary') : 'best';
  const imputeE = get('impute');
  const impute = imputeE ? r.oneOf(imputeE, ['latest', 'best', 'worst'] as const, 'impute') : undefined;
  const whileE = get('impute_while_running');
  const imputeWhileRunning = whileE
    ? r.oneOf(whileE, ['latest', 'best', 'worst', 'false'] as const, 'impute_while_running')
    : undefined;
  if (r.sink.errors.length > before || name === undefined || goal === undefined || summary === undefined) return undefined;
  const metric: MetricSpec = { name, goal, summary };
  if (target !== undefined) metric.target = target;
  if (impute !== undefined) metric.impute = impute;
  if (imputeWhileRunning !== undefined) metric.impute_while_running = imputeWhileRunning;
  return metric;
}
