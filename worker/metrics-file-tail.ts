/**
 * Follows HYPERSWEEP_METRICS_FILE while the script appends JSON lines to it: fs.watch for
 * promptness, a polling timer for file systems where watch says nothing, and `catchUp()` for a
 * metric that arrives another way (stdout): the file's earlier rows are read first, so rows keep
 * the order the script logged them. Reads only new bytes, synchronously (a local file, at most
 * what the script wrote since the last read); a partial last line waits for its newline (or for
 * `stop()`).
 */
import { closeSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';
import { LineSplitter } from './metric-lines.js';

/** One read buffer for every tail of the process: reads are synchronous, so never two at once (64 KB zero-filled per attempt was memory churn). */
const READ_BUFFER = Buffer.alloc(64 * 1024);

export class MetricsFileTail {
  private offset = 0;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
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
      this.watcher = watch(this.path, () => this.catchUp());
      this.watcher.on('error', () => undefined);
    } catch {
      // no watch support: polling alone
    }
    this.timer = setInterval(() => this.catchUp(), this.pollMs);
  }

  /** Reads whatever the script appended since the last read (its complete lines reach onLine now). */
  catchUp(): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return;
    }
    try {
      for (;;) {
        const bytesRead = readSync(fd, READ_BUFFER, 0, READ_BUFFER.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        // Decoded before the next read: onLine may start another tail's read.
        this.lines.push(this.decoder.decode(READ_BUFFER.subarray(0, bytesRead), { stream: true }));
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Reads to the end of the file (a last line without a newline counts) and stops following. */
  stop(): void {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    this.catchUp();
    this.lines.end();
  }
}
