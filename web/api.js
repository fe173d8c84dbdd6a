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

/** GET (or POST with `method`) a JSON endpoint under /api. */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(`api/${path.replace(/^\//, '')}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: 'no-store' });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'unreachable', 'The controller is not reachable. Is it running?');
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const code = data?.error?.code ?? `http_${res.status}`;
    const message = data?.error?.message ?? `${res.status} ${res.statusText}`;
    if (res.status === 401) window.dispatchEvent(new CustomEvent('hs:unauthorized', { detail: { message } }));
    throw new ApiError(res.status, code, message);
  }
  return data;
}

/** Every run of a sweep, following the cursor. */
export async function allRuns(sweepId, signal) {
  const runs = [];
  let cursor = null;
  for (let page = 0; page < 1000; page++) {
    const q = new URLSearchParams({ limit: '1000', sort: 'created' });
    if (cursor) q.set('cursor', cursor);
    const data = await api(`sweeps/${encodeURIComponent(sweepId)}/runs?${q}`, { signal });
    runs.push(...data.runs);
    cursor = data.next;
    if (!cursor) break;
  }
  return runs;
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
