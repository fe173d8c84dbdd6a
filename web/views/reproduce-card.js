/**
 * The run page's "Reproduce" card: what the run's latest attempt ran (its provenance record,
 * GET .../runs/:runId `provenance`): commit and dirty files, the diff, Python and packages,
 * host, GPUs, and the exact command with hypersweep's variables, with a copy button. Every
 * string is set as text (dom.js h()).
 */
import { copyText, h, replaceChildren } from '../dom.js';
import { shellQuote } from '../shared/config-args.js';

/** The recorded command as one pastable line: `cd DIR && env K=V ... argv`. */
export function commandLine(rec) {
  const env = Object.entries(rec.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
  return `cd ${shellQuote(rec.cwd)} && ${[...(env.length ? ['env', ...env] : []), ...rec.argv.map(shellQuote)].join(' ')}`;
}

function codeText(git) {
  if (!git) return 'not in a git repository';
  return `${git.commit ? git.commit.slice(0, 12) : '(no commit)'}${git.branch ? ` (${git.branch})` : ''}`;
}

export function createReproduceCard(ctx, runId) {
  const body = h('div', { 'data-testid': 'reproduce' });
  const copySlot = h('span');
  const el = h('section', { class: 'card', style: { marginBottom: '14px' } }, h('h2', null, 'Reproduce', h('span', { class: 'right' }, h('span', { class: 'muted mono' }, `hypersweep reproduce ${runId} --run`), ' ', copySlot)), body);
  let shown = '';

  function render(run) {
    const rec = run.provenance?.[run.provenance.length - 1];
    const key = rec ? `${rec.attempt}:${rec.recordedAt}` : 'none';
    if (key === shown) return;
    shown = key;
    if (!rec) {
      copySlot.replaceChildren();
      replaceChildren(body, h('p', { class: 'muted' }, run.state === 'pending' ? 'Recorded once an agent starts the run.' : 'No record of what this run ran (not started yet, or its agent predates the recording).'));
      return;
    }
    const git = rec.git;
    const py = rec.python;
    const command = commandLine(rec);
    const kv = [
      ['commit', codeText(git), 'reproduce-commit'],
      ['dirty', git ? (git.dirty ? `yes: ${git.dirtyFiles.join(', ')}` : 'no') : '—', 'reproduce-dirty'],
      ...(git?.untracked?.length ? [['untracked', git.untracked.join(', ')]] : []),
      ['repository', git?.root ?? '—'],
      ['python', py ? `${py.version} (${py.executable})` : '—'],
      ['packages', py ? `${py.packages.length} · sha256 ${py.packagesSha256.slice(0, 12)}` : '—', 'reproduce-packages'],
      ['host', `${rec.host} · ${rec.os}`, 'reproduce-host'],
      ['GPUs', rec.gpus?.length ? rec.gpus.map((g) => `${g.name} (driver ${g.driver})`).join(', ') : 'none seen', 'reproduce-gpus'],
      ['CUDA_VISIBLE_DEVICES', rec.cudaVisibleDevices ?? 'unset'],
      ['attempt', `${rec.attempt} · hypersweep ${rec.hypersweepVersion} · node ${rec.nodeVersion}`],
    ];
    const copy = h('button', { class: 'btn', type: 'button', 'data-testid': 'reproduce-copy', onclick: async () => ctx.toast((await copyText(command)) ? 'Copied' : 'Copy failed') }, 'Copy');
    replaceChildren(copySlot, copy);
    replaceChildren(
      body,
      h('dl', { class: 'kv' }, kv.flatMap(([k, v, id]) => [h('dt', null, k), h('dd', id ? { 'data-testid': id } : null, v)])),
      h('div', { class: 'muted small' }, 'command (cwd, the variables hypersweep set, argv)'),
      h('pre', { class: 'code', 'data-testid': 'reproduce-command' }, command),
      git?.dirty
        ? h('details', null, h('summary', null, `Uncommitted changes (${git.diffBytes} bytes)`), h('pre', { class: 'code', 'data-testid': 'reproduce-diff' }, git.diffTruncated ? `too long to keep; sha256 ${git.diffSha256}` : git.diff))
        : null,
      py ? h('details', null, h('summary', null, `Python packages (${py.packages.length})`), h('pre', { class: 'code' }, py.packages.join('\n'))) : null,
    );
  }

  return { el, render };
}
