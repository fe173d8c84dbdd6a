/**
 * Follows HYPERSWEEP_METRICS_FILE while the script appends JSON lines to it: fs.watch for
 * promptness, a polling timer for file systems where watch says nothing. Reads only new bytes;
 * a partial last line waits for its newline (or for `stop()`).
 */
import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { LineSplitter } from './metric-lines.js';

export class MetricsFileTail {
  private offset = 0;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();
  private again = false;
  private busy = false;
  private readonly lines: LineSplitter;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly path: string,
    onLine: (line: string) => void,
    /** @defaultValue 250 */
    private readonly pollMs = 250,
  ) {
    this.lines = new LineSplitter(onLine);
  }

  start(): void {
    try {
      this.watcher = watch(this.path, () => this.kick());
      this.watcher.on('error', () => undefined);
    } catch {
      // no watch support: polling alone
    }
    this.timer = setInterval(() => this.kick(), this.pollMs);
  }

  private kick(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.reading = this.readNew().finally(() => {
      this.busy = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async readNew(): Promise<void> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch {
      return;
    }
    try {
      const buf = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await handle.read(buf, 0, buf.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        this.lines.push(this.decoder.decode(buf.subarray(0, bytesRead), { stream: true }));
      }
    } finally {
      await handle.close();
    }
  }

  /** Reads to the end of the file (a last line without a newline counts) and stops following. */
  async stop(): Promise<void> {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    await this.reading;
    await this.readNew();
    this.lines.end();
  }
}
