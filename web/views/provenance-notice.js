/**
 * The sweep page's notice when its runs ran on different code (commit, uncommitted changes) or
 * different package sets (GET /sweeps/:id/provenance): a common reason a best config does not
 * reproduce. Empty while every recorded attempt ran on one of each. Refreshes itself every
 * few seconds while it is on the page.
 */
import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';

const EVERY_MS = 5000;

function codeLabel(c) {
  return `${c.commit ? c.commit.slice(0, 12) : 'no commit'}${c.dirty ? ` + changes ${c.diffSha256.slice(0, 8)}` : ''}`;
}

export function provenanceNotice(sweepId) {
  const el = h('div', { 'data-testid': 'provenance-notice' });
  let shown = '';
  let timer = null;
  let seen = false;

  async function refresh() {
    timer = null;
    if (!el.isConnected && seen) return; // the page went away
    seen ||= el.isConnected;
    try {
      const p = await api(`sweeps/${encodeURIComponent(sweepId)}/provenance`);
      const key = JSON.stringify(p);
      if (key !== shown) {
        shown = key;
        const lines = [];
        if (p.code.length > 1) lines.push(h('div', null, `Runs ran on ${p.code.length} code versions: `, p.code.map((c) => `${codeLabel(c)} (${c.attempts} attempt${c.attempts === 1 ? '' : 's'})`).join(', ')));
        if (p.packages.length > 1) lines.push(h('div', null, `Runs ran on ${p.packages.length} package sets: `, p.packages.map((x) => `${x.packagesSha256.slice(0, 8)} (${x.attempts} attempt${x.attempts === 1 ? '' : 's'})`).join(', ')));
        replaceChildren(el, lines.length ? h('div', { class: 'error-box', style: { marginBottom: '14px' } }, h('b', null, 'Mixed code or packages'), lines, h('div', { class: 'muted small' }, 'Compare runs with `hypersweep reproduce RUN`; a best config may not reproduce on other code.')) : null);
      }
    } catch {
      // a notice, not the page: try again next time
    }
    timer = setTimeout(refresh, EVERY_MS);
  }
  queueMicrotask(refresh);
  return { el, stop: () => clearTimeout(timer) };
}
