/** Parameter importance off the main thread: `{ id, rows, names, options }` in, `{ id, result }` out. */
import { parameterImportance } from './importance.js';

self.onmessage = (event) => {
  const { id, rows, names, options } = event.data;
  try {
    self.postMessage({ id, result: parameterImportance(rows, names, options) });
  } catch (err) {
    self.postMessage({ id, error: String(err?.message ?? err) });
  }
};
