/**
 * Turns an attempt's metric records into history rows and sends them in batches: what arrived
 * within `batchMs` goes out as one metrics event with seq 1, 2, ... (design.md: metrics flow while
 * the run trains). Sends are serialised, so seq order is send order. A row without `_step` gets
 * the next step: the number of rows so far.
 */
import type { HistoryRow } from '../src/run-record.js';
import type { MetricRecord } from './metric-lines.js';

export interface MetricStreamOptions {
  /**
   * Sends one batch. A rejection (Redis refused it, or no replica acknowledged it) is logged by
   * `onError` and the same batch (same seq, so applying it twice is a no-op) is sent again after
   * `retryMs`, up to `tries` times in all; later batches wait, so seq order stays send order.
   */
  send: (seq: number, rows: HistoryRow[]) => Promise<void>;
  onError: (err: unknown) => void;
  /** @defaultValue 150 */
  batchMs?: number;
  /** @defaultValue 10 */
  tries?: number;
  /** @defaultValue 1000 */
  retryMs?: number;
  /** A batch goes out at once when it holds this many rows. @defaultValue 1000 */
  maxRows?: number;
}

export class MetricStream {
  private rows: HistoryRow[] = [];
  private rowCount = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Final values the script reported (merged, last write wins). */
  readonly summary: Record<string, number> = {};

  constructor(private readonly opts: MetricStreamOptions) {}

  /** Rows received so far. */
  get count(): number {
    return this.rowCount;
  }

  push(record: MetricRecord): void {
    if (record.summary) Object.assign(this.summary, record.summary);
    if (!record.row) return;
    const { _step, ...metrics } = record.row;
    this.rows.push({ _step: _step ?? this.rowCount, ...metrics });
    this.rowCount++;
    if (this.rows.length >= (this.opts.maxRows ?? 1000)) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.batchMs ?? 150);
  }

  /** Sends what is buffered now; resolves when every batch so far was sent. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.rows.length > 0) {
      const rows = this.rows;
      this.rows = [];
      const seq = ++this.seq;
      this.chain = this.chain.then(() => this.sendWithRetry(seq, rows));
    }
    return this.chain;
  }

  private async sendWithRetry(seq: number, rows: HistoryRow[]): Promise<void> {
    const tries = this.opts.tries ?? 10;
    for (let i = 1; ; i++) {
      try {
        return await this.opts.send(seq, rows);
      } catch (err) {
        this.opts.onError(err);
        if (i >= tries) return;
        await new Promise((r) => setTimeout(r, this.opts.retryMs ?? 1000));
      }
    }
  }
}
