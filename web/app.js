/**
 * The dashboard shell: hash routes, the token prompt, the theme switch and the live dot.
 *   #/                          every sweep
 *   #/sweeps/:id                one sweep
 *   #/sweeps/:id/runs/:runId    one run
 */
import { getToken, setToken } from './api.js';
import { h, replaceChildren } from './dom.js';
import { mountSweeps } from './pages/sweeps.js';
import { mountSweep } from './pages/sweep.js';
import { mountRun } from './pages/run.js';
import { takeTokenFromFragment } from './token-fragment.js';

const main = document.getElementById('main');
const crumbs = document.getElementById('crumbs');
const live = document.getElementById('live');
let current = null;
let askingToken = false;

const ctx = {
  setCrumbs(...items) {
    const nodes = [];
    for (const item of items) {
      nodes.push(h('span', { class: 'sep' }, '/'));
      nodes.push(item.href ? h('a', { href: item.href }, item.label) : h('span', null, item.label));
    }
    replaceChildren(crumbs, nodes);
  },
  /** 'on' | 'err' | 'off' */
  setLive(state, title) {
    live.className = `live ${state}`;
    live.textContent = state === 'err' ? 'offline' : state === 'on' ? 'live' : 'idle';
    if (title) live.title = title;
  },
  toast(message) {
    const el = h('div', { class: 'toast', role: 'status' }, message);
    document.body.appendChild(el);
    setTimeout(() => el.remove(), 1800);
  },
};

function route() {
  const path = location.hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'sweeps' && parts[1] && parts[2] === 'runs' && parts[3]) return { page: mountRun, params: { sweepId: parts[1], runId: parts[3] } };
  if (parts[0] === 'sweeps' && parts[1]) return { page: mountSweep, params: { sweepId: parts[1] } };
  return { page: mountSweeps, params: {} };
}

function render() {
  takeTokenFromFragment();
  if (current) current.unmount();
  current = null;
  askingToken = false;
  window.scrollTo(0, 0);
  document.body.removeAttribute('data-ready');
  replaceChildren(main, h('p', { class: 'loading' }, 'Loading…'));
  const { page, params } = route();
  ctx.setCrumbs();
  current = page(main, params, ctx);
}

/** The token form: after a 401 (`message` says why), or when the user asks (message null). */
function askForToken(message) {
  if (askingToken) return;
  askingToken = true;
  if (current) current.unmount();
  current = null;
  if (message !== null) ctx.setLive('err', 'Not authorised');
  else ctx.setLive('off', 'Paused while the token form is open');
  const input = h('input', { type: 'password', name: 'token', placeholder: 'API token', autocomplete: 'current-password', 'aria-label': 'API token' });
  input.value = message === null ? getToken() : '';
  const had = getToken();
  const text =
    message === null
      ? 'The bearer token sent with every API request. It is kept in this browser only (localStorage).'
      : had
        ? `The saved token was refused (${message}). Enter the token the controller was started with.`
        : 'Enter the token the controller was started with (--token or HYPERSWEEP_TOKEN). It is kept in this browser only.';
  replaceChildren(
    main,
    h(
      'div',
      { class: 'card token-form', 'data-testid': 'token-form' },
      h('h2', null, message === null ? 'API token' : 'This controller needs a token'),
      h('p', { class: 'muted' }, text),
      h(
        'form',
        {
          onsubmit: (e) => {
            e.preventDefault();
            setToken(input.value.trim());
            render();
          },
        },
        input,
        h('button', { class: 'btn primary', type: 'submit' }, 'Save'),
        had ? h('button', { class: 'btn', type: 'button', onclick: () => (setToken(''), render()) }, 'Forget') : null,
        message === null ? h('button', { class: 'btn', type: 'button', onclick: () => render() }, 'Cancel') : null,
      ),
    ),
  );
  input.focus();
}

window.addEventListener('hs:unauthorized', (e) => askForToken(e.detail?.message ?? 'unauthorized'));
window.addEventListener('hashchange', render);

document.getElementById('token-button').addEventListener('click', () => askForToken(null));

document.getElementById('theme-button').addEventListener('click', () => {
  const dark = document.documentElement.dataset.scheme !== 'dark';
  document.documentElement.dataset.scheme = dark ? 'dark' : 'light';
  try {
    localStorage.setItem('hypersweep.theme', dark ? 'dark' : 'light');
  } catch {
    /* ignore */
  }
  render(); // charts read their colours from CSS on creation
});

window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (e) => {
  let saved = '';
  try {
    saved = localStorage.getItem('hypersweep.theme') || '';
  } catch {
    /* ignore */
  }
  if (saved) return;
  document.documentElement.dataset.scheme = e.matches ? 'dark' : 'light';
  render();
});

render();
