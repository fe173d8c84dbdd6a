/** The curves card's metric picker: the sweep's metric first, then every other metric a run logged. */
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';

/** Sets `model.metricName`; `onPick` loads and draws the curves of the new metric. */
export function createMetricPicker({ model, onPick }) {
  const base = `sweeps/${encodeURIComponent(model.sweepId)}`;
  const el = h('select', { 'aria-label': 'Metric', onchange: (e) => {
    model.metricName = e.target.value;
    onPick();
  } });

  return {
    el,

    /** Shows only the metric the curves are of (the first load, before the others are known). */
    showCurrent() {
      replaceChildren(el, model.metricName ? h('option', { value: model.metricName, selected: true }, model.metricName) : null);
    },

    /** Lists the metrics a run logged (read from the best run's, or a running run's, history); picks the first when none is shown. */
    async choose(signal) {
      const choices = model.sweep.metric ? [model.sweep.metric.name] : [];
      const probe = model.sweep.best?.runId ?? [...model.runs.values()].find((r) => r.steps > 0)?.id;
      if (probe) {
        try {
          const run = await api(`${base}/runs/${encodeURIComponent(probe)}`, { signal });
          for (const row of run.history ?? []) for (const k of Object.keys(row)) if (!k.startsWith('_') && !choices.includes(k)) choices.push(k);
        } catch (err) {
          if (err?.name === 'AbortError') throw err;
        }
      }
      if (model.metricName && !choices.includes(model.metricName)) choices.unshift(model.metricName);
      const pick = !model.metricName && choices.length > 0;
      if (pick) model.metricName = choices[0];
      replaceChildren(el, choices.map((m) => h('option', { value: m, selected: m === model.metricName }, m)));
      return pick;
    },
  };
}
