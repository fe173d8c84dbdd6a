/**
 * Run `tick(signal)` now and again `intervalMs` after each finishes (never overlapping), until
 * `stop()`. The live dot shows whether the last tick reached the controller.
 */
import { ApiError } from './api.js';

export function poll(tick, intervalMs, ctx) {
  const controller = new AbortController();
  let timer = null;
  let stopped = false;
  const run = async () => {
    if (stopped) return;
    try {
      await tick(controller.signal);
      if (!stopped) ctx.setLive('on', `Updated ${new Date().toLocaleTimeString()}`);
    } catch (err) {
      if (stopped || err?.name === 'AbortError') return;
      if (err instanceof ApiError && err.status === 401) return stop(); // the app asks for a token
      ctx.setLive('err', err?.message ?? String(err));
    }
    if (!stopped) timer = setTimeout(run, intervalMs);
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    controller.abort();
  };
  run();
  return { stop, signal: controller.signal };
}
