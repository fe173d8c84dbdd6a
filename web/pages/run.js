/** One run: why it ended, a chart of every metric it logged, its config, attempts and log tail. Live while it runs. */
import { api, ApiError } from '../api.js';
import { copyText, h, replaceChildren } from '../dom.js';
import { configArgs, configYaml, flattenConfig, fmtAge, fmtNum, fmtSpan, fmtTime, runDurationMs, valueLabel } from '../format.js';
import { axisStyle, baseOption, makeChart, theme, tipLine, whenEcharts } from '../charts.js';
import { poll } from '../poll.js';
import { isFinalRunState } from '../shared/run-states.js';
import { createReproduceCard } from '../views/reproduce-card.js';

export function mountRun(main, { sweepId, runId }, ctx) {
  const base = `sweeps/${encodeURIComponent(sweepId)}`;
  const t = theme();
  const charts = new Map();
  let built = false;
  let sweep = null;
  let lastSteps = -1;
  let lastState = '';
  const el = {};

  function build(run) {
    built = true;
    el.head = h('div', { class: 'page-head' });
    el.why = h('div', { 'data-testid': 'why' });
    el.meta = h('dl', { class: 'kv' });
    el.metrics = h('div', { class: 'metric-grid', 'data-testid': 'metric-charts' });
    el.config = h('pre', { class: 'code', 'data-testid': 'run-config' });
    el.attempts = h('tbody');
    el.log = h('pre', { class: 'log', 'data-testid': 'log' });
    el.reproduce = createReproduceCard(ctx, run.id);
    let mode = 'yaml';
    const tabs = h('div', { class: 'tabs' });
    const renderTabs = () =>
      replaceChildren(
        tabs,
        [
          ['yaml', 'YAML'],
          ['args', 'CLI args'],
          ['table', 'table'],
        ].map(([k, label]) => h('button', { type: 'button', class: mode === k ? 'on' : '', onclick: () => ((mode = k), renderTabs(), renderConfig()) }, label)),
      );
    el.renderConfig = renderConfig;
    function renderConfig() {
      const cfg = el.lastConfig ?? {};
      if (mode === 'table') {
        el.config.textContent = Object.entries(flattenConfig(cfg)).map(([k, v]) => `${k.padEnd(28)} ${typeof v === 'number' ? fmtNum(v) : valueLabel(v)}`).join('\n');
      } else el.config.textContent = mode === 'yaml' ? configYaml(cfg) : configArgs(cfg);
    }
    renderTabs();
    const copy = h('button', { class: 'btn', type: 'button', onclick: async () => ctx.toast((await copyText(mode === 'table' ? configYaml(el.lastConfig ?? {}) : el.config.textContent)) ? 'Copied' : 'Copy failed') }, 'Copy');
    replaceChildren(
      main,
      el.head,
      el.why,
      el.metrics,
      h(
        'div',
        { class: 'grid two' },
        h('section', { class: 'card' }, h('h2', null, 'Config', h('span', { class: 'right' }, tabs, ' ', copy)), el.config),
        h('section', { class: 'card' }, h('h2', null, 'Run'), el.meta),
      ),
      h(
        'section',
        { class: 'card', style: { marginBottom: '14px' } },
        h('h2', null, 'Attempts'),
        h('table', { class: 'list', 'data-testid': 'attempts' }, h('thead', null, h('tr', null, ['attempt', 'agent', 'slot', 'started', 'ended', 'duration', 'outcome', 'exit code', 'signal'].map((x) => h('th', null, x)))), el.attempts),
      ),
      el.reproduce.el,
      h('section', { class: 'card' }, h('h2', null, 'Log tail', h('span', { class: 'right muted' }, 'last 64 KB of output of the latest attempt')), el.log),
    );
    ctx.setCrumbs({ label: sweep?.name || sweepId, href: `#/sweeps/${encodeURIComponent(sweepId)}` }, { label: run.id });
  }

  function whyBox(run) {
    const last = run.attempts?.[run.attempts.length - 1];
    let title;
    let detail = run.stopReason ?? null;
    switch (run.state) {
      case 'stopped':
        title = 'Stopped early';
        break;
      case 'failed':
        title = `Failed${run.exitCode !== null && run.exitCode !== undefined ? ` with exit code ${run.exitCode}` : ''}${last?.signal ? ` (signal ${last.signal})` : ''}`;
        break;
      case 'crashed':
        title = 'Crashed: its agent was lost';
        break;
      case 'canceled':
        title = 'Canceled';
        break;
      case 'finished':
        title = 'Finished';
        break;
      case 'running':
        title = `Running on ${run.agentId ?? '?'}${run.slot ? ` / ${run.slot}` : ''}`;
        break;
      default:
        title = 'Waiting for an agent';
    }
    if (!detail && last?.outcome && last.outcome !== run.state) detail = `last attempt: ${last.outcome}`;
    // The agent's own words (`timed out after 600 s; killed by SIGKILL`, `agent lost (lease expired)`), as text.
    const message = run.message ? h('div', { class: 'muted', 'data-testid': 'run-message' }, run.message) : null;
    return h('div', { class: `why ${run.state}` }, h('b', null, title), detail ? h('div', null, detail) : null, message, run.reason ? h('div', { class: 'muted small' }, `proposed by: ${run.reason}`) : null);
  }

  function render(run) {
    const metric = sweep?.metric;
    replaceChildren(
      el.head,
      h(
        'div',
        null,
        h('div', { style: { display: 'flex', gap: '10px', alignItems: 'center', flexWrap: 'wrap' } }, h('h1', { class: 'mono' }, run.id), h('span', { class: `badge s-${run.state}`, 'data-testid': 'run-state' }, run.state), sweep?.best?.runId === run.id ? h('span', { class: 'badge is-best' }, 'best') : null),
        h('div', { class: 'sub' }, 'in ', h('a', { href: `#/sweeps/${encodeURIComponent(sweepId)}` }, sweep?.name || sweepId), ` · ${metric ? `${metric.name}: ` : 'score '}`, h('b', null, fmtNum(run.score)), ` · ${run.steps ?? 0} steps`),
      ),
    );
    replaceChildren(el.why, whyBox(run));
    const dur = runDurationMs(run);
    const kv = [
      ['state', run.state],
      ['score', fmtNum(run.score)],
      ['attempt', String(run.attempt ?? '—')],
      ['agent', run.agentId ? `${run.agentId}${run.slot ? ` / ${run.slot}` : ''}` : '—'],
      ['created', `${fmtTime(run.createdAt)} (${fmtAge(run.createdAt)})`],
      ['started', fmtTime(run.startedAt)],
      ['ended', fmtTime(run.endedAt)],
      ['duration', dur === null ? '—' : fmtSpan(dur)],
      ['exit code', run.exitCode === null || run.exitCode === undefined ? '—' : String(run.exitCode)],
      ['stop reason', run.stopReason ?? '—'],
      ...(run.message ? [['message', run.message]] : []),
      ['proposed by', run.reason || '—'],
    ];
    replaceChildren(el.meta, kv.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
    el.lastConfig = run.config;
    el.renderConfig();
    replaceChildren(
      el.attempts,
      (run.attempts ?? []).map((a) =>
        h(
          'tr',
          null,
          h('td', null, String(a.attempt)),
          h('td', { class: 'mono' }, a.agentId ?? '—'),
          h('td', null, a.slot ?? '—'),
          h('td', null, fmtTime(a.startedAt)),
          h('td', null, fmtTime(a.endedAt)),
          h('td', null, a.startedAt ? fmtSpan((a.endedAt ?? Date.now()) - a.startedAt) : '—'),
          h('td', null, h('span', { class: `s-${a.outcome === 'lost' ? 'crashed' : a.outcome}` }, a.outcome ?? 'running')),
          h('td', null, a.exitCode === null || a.exitCode === undefined ? '—' : String(a.exitCode)),
          h('td', null, a.signal ?? '—'),
        ),
      ),
    );
    const atBottom = el.log.scrollHeight - el.log.scrollTop - el.log.clientHeight < 24;
    el.log.textContent = run.output || '(no output yet)';
    if (atBottom) el.log.scrollTop = el.log.scrollHeight;
    renderMetrics(run);
    el.reproduce.render(run);
  }

  function renderMetrics(run) {
    const series = new Map();
    for (const row of run.history ?? []) {
      for (const [k, v] of Object.entries(row)) {
        if (k === '_step' || typeof v !== 'number' || !Number.isFinite(v)) continue;
        if (!series.has(k)) series.set(k, []);
        series.get(k).push([row._step, v]);
      }
    }
    if (series.size === 0 && charts.size === 0) {
      replaceChildren(el.metrics, h('p', { class: 'muted' }, 'No metrics logged yet.'));
      return;
    }
    if (charts.size === 0) el.metrics.replaceChildren();
    // The sweep's metric first, then the others by name.
    const names = [...series.keys()].sort((a, b) => (a === sweep?.metric?.name ? -1 : b === sweep?.metric?.name ? 1 : a.localeCompare(b)));
    for (const name of names) {
      let entry = charts.get(name);
      if (!entry) {
        const box = h('div', { class: 'chart', 'data-chart': `metric` });
        el.metrics.appendChild(h('section', { class: 'card' }, h('h2', { style: { textTransform: 'none', letterSpacing: '0' } }, h('span', { class: 'mono' }, name)), box));
        entry = makeChart(box);
        entry.chart.setOption({
          ...baseOption(t),
          grid: { left: 52, right: 14, top: 12, bottom: 28 },
          tooltip: { ...baseOption(t).tooltip, trigger: 'axis', formatter: (ps) => ps.map((p) => `${tipLine('step', p.value[0])}${tipLine(name, fmtNum(p.value[1]))}`).join('') },
          xAxis: { type: 'value', ...axisStyle(t), minInterval: 1 },
          yAxis: { type: 'value', scale: true, ...axisStyle(t), axisLabel: { ...axisStyle(t).axisLabel, formatter: (v) => fmtNum(v) } },
          series: [{ id: 'm', type: 'line', showSymbol: false, symbol: 'circle', lineStyle: { width: 1.8, color: name === sweep?.metric?.name ? t.best : t.accent }, itemStyle: { color: name === sweep?.metric?.name ? t.best : t.accent }, data: [] }],
        });
        charts.set(name, entry);
      }
      const points = series.get(name);
      entry.chart.setOption({ series: [{ id: 'm', data: points, showSymbol: points.length < 30 }] });
    }
  }

  const poller = poll(
    async (signal) => {
      try {
        if (!sweep) sweep = await api(base, { signal });
        const run = await api(`${base}/runs/${encodeURIComponent(runId)}`, { signal });
        await whenEcharts();
        if (signal.aborted) return;
        if (!built) {
          document.title = `${run.id} · hypersweep`;
          build(run);
        }
        // Redraw only when something moved.
        if (!isFinalRunState(run.state) || run.steps !== lastSteps || run.state !== lastState) render(run);
        lastSteps = run.steps;
        lastState = run.state;
        document.body.dataset.ready = 'run';
      } catch (err) {
        if (!built && err instanceof ApiError && err.status !== 401) replaceChildren(main, h('div', { class: 'error-box' }, err.status === 404 ? `No run ${runId} in sweep ${sweepId}.` : err.message), h('a', { href: `#/sweeps/${encodeURIComponent(sweepId)}` }, '← the sweep'));
        throw err;
      }
    },
    1000,
    ctx,
  );

  return {
    unmount() {
      poller.stop();
      for (const c of charts.values()) c.dispose();
    },
  };
}
