/**
 * The "Download CSV" button of the sweep page: the export (GET /sweeps/:id/export?format=csv)
 * fetched with the bearer token (apiBlob) and saved through a short-lived object URL.
 */
import { apiBlob } from '../../api.js';
import { h } from '../../dom.js';

export function createDownloadButton({ sweepId, onError }) {
  const button = h('button', { class: 'btn', type: 'button', 'data-testid': 'download-csv', title: 'One row per run: state, config, scores, times (hypersweep export)', onclick: () => download() }, 'Download CSV');
  async function download() {
    button.disabled = true;
    try {
      const blob = await apiBlob(`sweeps/${encodeURIComponent(sweepId)}/export?format=csv`);
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: `${sweepId}.csv`, style: { display: 'none' } });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      onError(err);
    } finally {
      button.disabled = false;
    }
  }
  return button;
}
