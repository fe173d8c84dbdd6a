/** One run: why it ended, a chart of every metric it logged, its config, attempts and log tail. Live while it runs. */
import { api, ApiError } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { fmtAge, fmtNum, fmtSpan, fmtTime, runDurationMs } from '../format.js';
import { whenEcharts } from '../charts.js';
import { poll } from '../poll.js';
import { isFinalRunState } from '../shared/run-states.js';
import { createConfigCard } from '../views/config-card.js';
import { createReproduceCard } from '../views/reproduce-card.js';
import { createRunMetrics } from '../views/run-metrics.js';

export function mountRun(main, { sweepId, runId }, ctx) {
  const base = `sweeps/${encodeURIComponent(sweepId)}`;
  let sweep = null;
  let lastSteps = -1;
  let lastState = '';
  /** The page's parts, made at the first answer. */
  let el = null;

  function build(run) {
    el = {
      head: h('div', { class: 'page-head' }),
      why: h('div', { 'data-testid': 'why' }),
      meta: h('dl', { class: 'kv' }),
      metrics: createRunMetrics(),
      config: createConfigCard(ctx),
      attempts: h('tbody'),
      log: h('pre', { class: 'log', 'data-testid': 'log' }),
      reproduce: createReproduceCard(ctx, run.id),
    };
    replaceChildren(
      main,
      el.head,
      el.why,
      el.metrics.el,
      h('div', { class: 'grid two' }, el.config.el, h('section', { class: 'card' }, h('h2', null, 'Run'), el.meta)),
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

  const poller = poll(
    async (signal) => {
      try {
        if (!sweep) sweep = await api(base, { signal });
        const run = await api(`${base}/runs/${encodeURIComponent(runId)}`, { signal });
        await whenEcharts();
        if (signal.aborted) return;
        if (!el) {
          document.title = `${run.id} · hypersweep`;
          build(run);
        }
        // Redraw only when something moved.
        if (!isFinalRunState(run.state) || run.steps !== lastSteps || run.state !== lastState) renderRun(el, run, sweep, sweepId);
        el.reproduce.render(run); // every tick: a record may land after the run ended (it redraws only when it changed)
        lastSteps = run.steps;
        lastState = run.state;
        document.body.dataset.ready = 'run';
      } catch (err) {
        if (!el && err instanceof ApiError && err.status !== 401) replaceChildren(main, h('div', { class: 'error-box' }, err.status === 404 ? `No run ${runId} in sweep ${sweepId}.` : err.message), h('a', { href: `#/sweeps/${encodeURIComponent(sweepId)}` }, '← the sweep'));
        throw err;
      }
    },
    1000,
    ctx,
  );

  return {
    unmount() {
      poller.stop();
      el?.metrics.dispose();
    },
  };
}

/** Every part of the page for the run's latest state; the log stays at its bottom when it was there. */
function renderRun(el, run, sweep, sweepId) {
  replaceChildren(el.head, runHead(run, sweep, sweepId));
  replaceChildren(el.why, whyBox(run));
  replaceChildren(el.meta, runFacts(run).flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
  el.config.update(run.config);
  replaceChildren(el.attempts, (run.attempts ?? []).map(attemptRow));
  const atBottom = el.log.scrollHeight - el.log.scrollTop - el.log.clientHeight < 24;
  el.log.textContent = run.output || '(no output yet)';
  if (atBottom) el.log.scrollTop = el.log.scrollHeight;
  el.metrics.render(run, sweep?.metric?.name);
}

/** The run's id, state, best badge, sweep link and score. */
function runHead(run, sweep, sweepId) {
  const metric = sweep?.metric;
  return h(
    'div',
    null,
    h('div', { style: { display: 'flex', gap: '10px', alignItems: 'center', flexWrap: 'wrap' } }, h('h1', { class: 'mono' }, run.id), h('span', { class: `badge s-${run.state}`, 'data-testid': 'run-state' }, run.state), sweep?.best?.runId === run.id ? h('span', { class: 'badge is-best' }, 'best') : null),
    h('div', { class: 'sub' }, 'in ', h('a', { href: `#/sweeps/${encodeURIComponent(sweepId)}` }, sweep?.name || sweepId), ` · ${metric ? `${metric.name}: ` : 'score '}`, h('b', null, fmtNum(run.score)), ` · ${run.steps ?? 0} steps`),
  );
}

/** Why the run is where it is, in a few words, with the agent's own message and who proposed it. */
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

/** The run card's facts, `[label, text]`. */
function runFacts(run) {
  const dur = runDurationMs(run);
  return [
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
}

/** One row of the attempts table. */
function attemptRow(a) {
  return h(
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
  );
}
