/**
 * The versions of an edited sweep (`hypersweep update`), newest first, each with what changed from
 * the one before (GET /sweeps/:id/versions: parameters added, removed, changed; settings such as
 * run_cap, early_terminate, command) and its sweep file. Shown once a sweep has more than one.
 */
import { h, replaceChildren } from '../../dom.js';
import { fmtAge } from '../../format.js';
import { changeLines } from '../../shared/version-changes.js';

export function createVersionsCard() {
  const list = h('div', { class: 'versions' });
  const title = h('summary', null, 'Versions');
  const el = h('details', { class: 'card source', open: true, hidden: true, 'data-testid': 'versions' }, title, list);
  return {
    el,
    /** `versions`: the API's list, oldest first. */
    update(versions) {
      el.hidden = versions.length < 2;
      title.textContent = `Versions (${versions.length})`;
      replaceChildren(
        list,
        [...versions].reverse().map((v) => {
          const lines = changeLines(v.changes);
          return h(
            'div',
            { class: 'version', dataset: { version: String(v.version) } },
            h('div', null, h('strong', null, `v${v.version}`), h('span', { class: 'muted' }, ` · ${fmtAge(v.at)}${v.version === 1 ? ' · created' : lines.length === 0 && v.changes ? ' · no change' : ''}`)),
            lines.length ? h('ul', { class: 'changes' }, lines.map((l) => h('li', { class: `change-${l.kind}` }, l.text))) : null,
            h('details', null, h('summary', { class: 'muted' }, 'sweep file'), h('pre', { class: 'code' }, v.source)),
          );
        }),
      );
    },
  };
}
