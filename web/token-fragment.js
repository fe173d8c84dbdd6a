/**
 * `hypersweep run` prints the dashboard URL with its API token in the fragment
 * (`#token=T&/sweeps/ID`): a fragment never reaches a server or a Referer. The token is kept
 * (localStorage, as one typed in the token form) and removed from the address bar and history.
 */
import { setToken } from './api.js';

export function takeTokenFromFragment() {
  const m = /^#token=([^&]*)&?(.*)$/.exec(location.hash);
  if (!m) return;
  let token = '';
  try {
    token = decodeURIComponent(m[1]);
  } catch {
    /* a garbled token: the token form will ask */
  }
  if (token) setToken(token);
  history.replaceState(null, '', `${location.pathname}${location.search}#${m[2] || '/'}`);
}
