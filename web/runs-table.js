/**
 * The runs table: sortable columns over rows kept in memory, virtualised (only the rows in
 * view, plus a few, exist in the DOM), so 2,000 runs scroll and sort instantly.
 * Cells are built with textContent only.
 */
import { h } from './dom.js';

const ROW_PX = 28;
const OVERSCAN = 8;

/**
 * columns: `[{ key, label, px, align?, value(run) → sort key (number|string|null), text(run) → string, cell?(run) → Node, title? }]`
 * href(run): the link of a row.
 */
export function createRunsTable({ columns, href, initialSort = { key: 'score', dir: 1 } }) {
  let sort = { ...initialSort };
  let sortColumn = columns.find((c) => c.key === sort.key);
  let rows = [];
  let rendered = { first: -1, last: -1, version: -1 };
  let version = 0;

  const template = columns.map((c) => (c.flex ? `minmax(${c.px}px, 1fr)` : `${c.px}px`)).join(' ');
  const minWidth = columns.reduce((s, c) => s + c.px, 0);
  const head = h('div', { class: 'vt-head', role: 'row' });
  const body = h('div', { class: 'vt-body', role: 'rowgroup' });
  const empty = h('div', { class: 'vt-empty', hidden: true }, 'No runs match.');
  const el = h('div', { class: 'vt', role: 'table', 'data-testid': 'runs-table', style: { '--cols': template, '--minw': `${minWidth}px` } }, head, body, empty);

  function renderHead() {
    head.replaceChildren(...columns.map((c) => headerButton(c, sort, setSort)));
  }

  const compare = (a, b) => compareRuns(sortColumn, sort.dir, a, b);

  function setSort(key) {
    if (sort.key === key) sort = { key, dir: -sort.dir };
    else sort = { key, dir: columns.find((c) => c.key === key)?.defaultDir ?? 1 };
    sortColumn = columns.find((c) => c.key === sort.key);
    renderHead();
    rows = [...rows].sort(compare);
    version++;
    renderBody(true);
  }

  function renderBody(force) {
    body.style.height = `${rows.length * ROW_PX}px`;
    empty.hidden = rows.length > 0;
    const viewport = el.clientHeight || 600;
    const top = Math.max(0, el.scrollTop - ROW_PX);
    const first = Math.max(0, Math.floor(top / ROW_PX) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((top + viewport) / ROW_PX) + OVERSCAN);
    if (!force && first === rendered.first && last === rendered.last && rendered.version === version) return;
    rendered = { first, last, version };
    const nodes = [];
    for (let i = first; i < last; i++) nodes.push(rowNode(rows[i], i, columns, href));
    body.replaceChildren(...nodes);
  }

  let scheduled = false;
  el.addEventListener('scroll', () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      renderBody(false);
    });
  });

  renderHead();
  return {
    el,
    /** Replace the rows (already filtered); keeps the sort and the scroll position. */
    setRows(next) {
      rows = [...next].sort(compare);
      version++;
      renderBody(true);
    },
    get sort() {
      return { ...sort };
    },
    get count() {
      return rows.length;
    },
  };
}

/** A column's header: a button that sorts by it, with the arrow of the current direction. */
function headerButton(c, sort, onSort) {
  const active = sort.key === c.key;
  const arrow = active ? (sort.dir > 0 ? ' ▲' : ' ▼') : '';
  return h(
    'button',
    {
      class: `vt-th${c.align === 'right' ? ' right' : ''}${active ? ' active' : ''}`,
      type: 'button',
      role: 'columnheader',
      'aria-sort': active ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none',
      dataset: { sort: c.key },
      title: c.title ?? `Sort by ${c.label}`,
      onclick: () => onSort(c.key),
    },
    c.label,
    arrow,
  );
}

/** Two runs by a column's sort key in direction `dir`; missing values always last, whatever the direction. */
function compareRuns(col, dir, a, b) {
  if (!col) return 0;
  const va = col.value(a);
  const vb = col.value(b);
  const ma = va === null || va === undefined || (typeof va === 'number' && Number.isNaN(va));
  const mb = vb === null || vb === undefined || (typeof vb === 'number' && Number.isNaN(vb));
  if (ma || mb) return ma === mb ? 0 : ma ? 1 : -1;
  if (typeof va === 'number' && typeof vb === 'number') return (va - vb) * dir;
  return String(va).localeCompare(String(vb), undefined, { numeric: true }) * dir;
}

/** Row `i` (absolutely placed) of the virtualised body: a link holding one cell per column. */
function rowNode(run, i, columns, href) {
  return h(
    'a',
    { class: `vt-row state-${run.state}`, role: 'row', href: href(run), style: { top: `${i * ROW_PX}px` }, dataset: { runId: run.id } },
    columns.map((c) => {
      const content = c.cell ? c.cell(run) : c.text(run);
      const text = typeof content === 'string' ? content : undefined;
      return h('span', { class: `vt-td${c.align === 'right' ? ' right' : ''}`, role: 'cell', dataset: { col: c.key }, title: text && text.length > 14 ? text : undefined }, content);
    }),
  );
}
