/**
 * The controller's HTTP API, with the bearer token the user gave once (kept in localStorage).
 * Errors come back as `{ error: { code, message } }`; a 401 raises `ApiError` with status 401
 * and tells the app to ask for a token.
 */

const TOKEN_KEY = 'hypersweep.token';

export function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

export function setToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* private mode: the token lasts for this page only */
  }
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The request headers: the bearer token when there is one; a JSON type on anything but a GET. */
function headersFor(method, body, accept) {
  const headers = { Accept: accept };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  // The server refuses a POST without a JSON or YAML type (its cross-site guard), a bodiless one too.
  if (body !== undefined || method !== 'GET') headers['Content-Type'] = 'application/json';
  return headers;
}

async function send(path, method, body, signal, accept) {
  try {
    return await fetch(`api/${path.replace(/^\//, '')}`, { method, headers: headersFor(method, body, accept), body: body === undefined ? undefined : JSON.stringify(body), signal, cache: 'no-store' });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'unreachable', 'The controller is not reachable. Is it running?');
  }
}

/** Throws the ApiError of a failed answer (a 401 also tells the app to ask for a token). */
function raise(res, data) {
  const code = data?.error?.code ?? `http_${res.status}`;
  const message = data?.error?.message ?? `${res.status} ${res.statusText}`;
  if (res.status === 401) window.dispatchEvent(new CustomEvent('hs:unauthorized', { detail: { message } }));
  throw new ApiError(res.status, code, message);
}

function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** GET (or POST with `method`) a JSON endpoint under /api. */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const res = await send(path, method, body, signal, 'application/json');
  const data = parseJson(await res.text());
  if (!res.ok) raise(res, data);
  return data;
}

/**
 * GET a file under /api as a Blob (an export): fetched with the bearer token, since a plain link
 * cannot carry the Authorization header and a token in the URL would end up in logs and history.
 */
export async function apiBlob(path, { signal } = {}) {
  const res = await send(path, 'GET', undefined, signal, '*/*');
  if (!res.ok) raise(res, parseJson(await res.text()));
  return await res.blob();
}

/**
 * Every run of a sweep. The oldest and the newest pages are asked for at once, so one round trip
 * covers 2,000 runs; past that, the first page's cursor is followed until it meets the newest.
 * `expected` (the sweep's run count, when known) tells when the two pages already cover all.
 */
export async function allRuns(sweepId, signal, expected = Infinity) {
  const page = (sort, cursor) => {
    const q = new URLSearchParams({ limit: '1000', sort });
    if (cursor) q.set('cursor', cursor);
    return api(`sweeps/${encodeURIComponent(sweepId)}/runs?${q}`, { signal });
  };
  if (expected <= 1000) {
    // One page holds them all (follow the cursor anyway, in case runs were added meanwhile).
    const runs = [];
    let cursor;
    for (let n = 0; n < 1000; n++) {
      const p = await page('created', cursor);
      runs.push(...p.runs);
      cursor = p.next;
      if (!cursor) break;
    }
    return runs;
  }
  const [first, last] = await Promise.all([page('created'), page('-created')]);
  const byId = new Map(first.runs.map((r) => [r.id, r]));
  const seenLast = last.runs.filter((r) => !byId.has(r.id));
  // The newest page overlaps the oldest one, or both hold every run: done.
  if (!first.next || !last.next || seenLast.length < last.runs.length || byId.size + seenLast.length >= expected) {
    for (const r of [...seenLast].reverse()) byId.set(r.id, r);
    return [...byId.values()];
  }
  const lastIds = new Set(last.runs.map((r) => r.id));
  let cursor = first.next;
  for (let n = 0; cursor && n < 1000; n++) {
    const next = await page('created', cursor);
    let met = false;
    for (const r of next.runs) {
      if (lastIds.has(r.id)) met = true;
      else byId.set(r.id, r);
    }
    if (met) break;
    cursor = next.next;
  }
  for (const r of [...last.runs].reverse()) byId.set(r.id, r);
  return [...byId.values()];
}

/** Flat `x0, y0, x1, y1, ...` points from `[[x, y], ...]`. */
export function flatPoints(pairs) {
  const flat = new Float64Array(pairs.length * 2);
  for (let i = 0; i < pairs.length; i++) {
    flat[2 * i] = pairs[i][0];
    flat[2 * i + 1] = pairs[i][1];
  }
  return flat;
}

/**
 * A sweep's curves of one metric (the sweep's own when `metric` is unset):
 * `{ metric, curves: Map runId → Float64Array x0, y0, x1, y1, ... }`.
 * (Parsing in a worker was measured: no faster end to end, so it is not done.)
 */
export async function fetchCurves(sweepId, metric, signal) {
  const path = `sweeps/${encodeURIComponent(sweepId)}/curves${metric ? `?metric=${encodeURIComponent(metric)}` : ''}`;
  const data = await api(path, { signal });
  return { metric: data.metric, curves: new Map(data.runs.map((r) => [r.id, flatPoints(r.points)])) };
}
