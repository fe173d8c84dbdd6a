/**
 * Collects the errors and warnings found in one sweep file, each pointing at a source node.
 * Checks never stop at the first problem: they report into the sink and carry on.
 */
import type { LineCounter } from 'yaml';
import type { ConfigIssue } from '../errors.js';

/** Anything with a yaml source range (`[start, valueEnd, nodeEnd]`, character offsets). */
export interface Located {
  range?: readonly [number, number, number] | null;
}

export class IssueSink {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];

  constructor(private readonly lineCounter?: LineCounter) {}

  error(at: Located | number | undefined, path: string, message: string): void {
    this.errors.push(this.issue(at, path, message));
  }

  warn(at: Located | number | undefined, path: string, message: string): void {
    this.warnings.push(this.issue(at, path, message));
  }

  /** 1-based line and column of a node (its first character) or of a character offset. */
  position(at: Located | number | undefined): { line: number; column: number } | undefined {
    const offset = typeof at === 'number' ? at : at?.range?.[0];
    if (offset === undefined || !this.lineCounter) return undefined;
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  private issue(at: Located | number | undefined, path: string, message: string): ConfigIssue {
    const pos = this.position(at);
    return pos ? { path, message, line: pos.line, column: pos.column } : { path, message };
  }
}
