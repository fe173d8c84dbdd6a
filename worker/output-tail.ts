/** The last N bytes of a run's combined stdout/stderr (64 KB in the finished event and keys.runOutput). */

export const OUTPUT_TAIL_BYTES = 64 * 1024;

export class OutputTail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** Changes whenever output arrives, so a periodic publisher can skip unchanged tails. */
  version = 0;

  constructor(private readonly capBytes = OUTPUT_TAIL_BYTES) {}

  push(chunk: Buffer | string): void {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (buf.length === 0) return;
    if (buf.length > this.capBytes) buf = buf.subarray(buf.length - this.capBytes);
    this.chunks.push(buf);
    this.bytes += buf.length;
    while (this.bytes - this.chunks[0]!.length >= this.capBytes) this.bytes -= this.chunks.shift()!.length;
    this.version++;
  }

  /** At most capBytes of the latest output, as text (a character cut at the start shows as U+FFFD). */
  text(): string {
    const all = Buffer.concat(this.chunks, this.bytes);
    return all.subarray(Math.max(0, all.length - this.capBytes)).toString('utf8');
  }
}
