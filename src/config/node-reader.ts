/**
 * Typed reads of yaml nodes that report a precise issue (path, position, rule, value received)
 * instead of throwing. Every check in src/config/ reads the document through a NodeReader.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { ParamValue } from './types.js';
import { didYouMean } from './did-you-mean.js';
import type { IssueSink, Located } from './issue-sink.js';
import { RESERVED_KEYS } from './sweep-file-limits.js';
import { childPath, keyText } from './sweep-source.js';

/** A value in the document: its node (null when the key has no value node), where to point, its path. */
export interface Val {
  node: Node | null;
  at: Located;
  path: string;
}

/** One `key: value` of a mapping. */
export interface Entry extends Val {
  key: string;
  keyNode: Located;
}

const INT_SOURCE = /^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;

export class NodeReader {
  /** Parameters read so far, nested ones included (bounded by MAX_PARAMETERS). */
  parameterCount = 0;

  constructor(
    readonly doc: Document,
    readonly sink: IssueSink,
  ) {}

  /** The node behind an alias (`*name`), else the node itself. */
  resolve(node: Node | null): Node | null {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return node;
  }

  /** The entries of a mapping (merge keys expanded, later keys win), or an issue and undefined. */
  entries(val: Val, what: string): Entry[] | undefined {
    const node = this.resolve(val.node);
    if (!isMap(node)) {
      this.sink.error(val.at, val.path, `${what} must be a mapping (key: value lines), but got ${this.describe(val)}`);
      return undefined;
    }
    const byKey = new Map<string, Entry>();
    const merged: Entry[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = keyText(pair.key);
      const keyNode = (pair.key ?? node) as Located;
      const valueNode = (pair.value ?? null) as Node | null;
      if (key === '<<') {
        for (const source of this.mergeSources(valueNode)) {
          for (const e of this.entries({ node: source, at: source, path: val.path }, what) ?? []) merged.push(e);
        }
        continue;
      }
      byKey.delete(key);
      byKey.set(key, { key, keyNode, node: valueNode, at: valueNode?.range ? valueNode : keyNode, path: childPath(val.path, key) });
    }
    const out = merged.filter((e) => !byKey.has(e.key));
    return [...out, ...byKey.values()];
  }

  private mergeSources(node: Node | null): Node[] {
    const resolved = this.resolve(node);
    if (isSeq(resolved)) return resolved.items.map((i) => this.resolve(i as Node)).filter((n): n is Node => n !== null);
    return resolved ? [resolved] : [];
  }

  /** The items of a sequence, or an issue and undefined. */
  items(val: Val, what: string): Val[] | undefined {
    const node = this.resolve(val.node);
    if (!isSeq(node)) {
      this.sink.error(val.at, val.path, `${what} must be a list, but got ${this.describe(val)}`);
      return undefined;
    }
    return node.items.map((item, i) => {
      const n = item as Node | null;
      return { node: n, at: n?.range ? n : val.at, path: childPath(val.path, i) };
    });
  }

  /** Unknown keys are errors at the key, with a did-you-mean hint. */
  rejectUnknownKeys(entries: Entry[], allowed: readonly string[], what: string): void {
    for (const e of entries) {
      if (allowed.includes(e.key)) continue;
      this.sink.error(
        e.keyNode,
        e.path,
        `unknown key "${e.key}" in ${what}; allowed keys are ${allowed.join(', ')}${didYouMean(e.key, allowed)}`,
      );
    }
  }

  /** A finite number, or an issue and undefined. */
  number(val: Val, what = 'value'): number | undefined {
    const node = this.resolve(val.node);
    if (!isScalar(node) || typeof node.value !== 'number') {
      this.sink.error(val.at, val.path, `${what} must be a number, but got ${this.describe(val)}`);
      return undefined;
    }
    if (!Number.isFinite(node.value)) {
      this.sink.error(val.at, val.path, `${what} must be a finite number, but got ${this.describe(val)}`);
      return undefined;
    }
    return node.value;
  }

  /** An integer written as one (`3`, not `3.0`), or an issue and undefined. */
  integer(val: Val, what = 'value'): number | undefined {
    const n = this.number(val, what);
    if (n === undefined) return undefined;
    if (!this.isIntLiteral(val) || !Number.isSafeInteger(n)) {
      this.sink.error(val.at, val.path, `${what} must be an integer, but got ${this.describe(val)}`);
      return undefined;
    }
    return n;
  }

  /** True when the number token is an integer literal (`0`, `0x10`), false for `0.0`, `1e3`. */
  isIntLiteral(val: Val): boolean {
    const node = this.resolve(val.node);
    if (!isScalar(node) || typeof node.value !== 'number') return false;
    const source = typeof node.source === 'string' ? node.source : String(node.value);
    return INT_SOURCE.test(source.trim());
  }

  string(val: Val, what = 'value'): string | undefined {
    const node = this.resolve(val.node);
    if (!isScalar(node) || typeof node.value !== 'string') {
      this.sink.error(val.at, val.path, `${what} must be a string, but got ${this.describe(val)}`);
      return undefined;
    }
    return node.value;
  }

  boolean(val: Val, what = 'value'): boolean | undefined {
    const node = this.resolve(val.node);
    if (!isScalar(node) || typeof node.value !== 'boolean') {
      this.sink.error(val.at, val.path, `${what} must be true or false, but got ${this.describe(val)}`);
      return undefined;
    }
    return node.value;
  }

  /** One of the given strings, or an issue (with a did-you-mean hint) and undefined. */
  oneOf<T extends string>(val: Val, options: readonly T[], what = 'value'): T | undefined {
    const node = this.resolve(val.node);
    const s = isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
    if (s !== undefined && (options as readonly string[]).includes(s)) return s as T;
    const hint = s !== undefined ? didYouMean(s, options) : '';
    this.sink.error(val.at, val.path, `${what} must be one of ${options.join(', ')}, but got ${this.describe(val)}${hint}`);
    return undefined;
  }

  /** The value as plain data, as written (`.nan` stays NaN); reports nothing. Checks read values with it. */
  plain(val: Val): ParamValue {
    return this.data(val, false);
  }

  /**
   * The value as a training script receives it (a parameter's `value` or `values`). NaN and
   * infinities (`.nan`, `.inf`) and the keys `__proto__`, `constructor`, `prototype` are
   * errors at their line: JSON carries neither the first nor, safely, the second.
   */
  scriptValue(val: Val): ParamValue {
    return this.data(val, true);
  }

  private data(val: Val, report: boolean): ParamValue {
    const node = this.resolve(val.node);
    if (node === null) return null;
    if (isScalar(node)) {
      const v = node.value;
      if (report && typeof v === 'number' && !Number.isFinite(v)) {
        this.sink.error(val.at, val.path, `${this.describe(val)} is not a finite number; a training script cannot receive NaN or infinity (JSON has neither)`);
        return null;
      }
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      return String(v);
    }
    if (isSeq(node)) return this.items(val, 'value')!.map((item) => this.data(item, report));
    if (isMap(node)) {
      const out: { [key: string]: ParamValue } = {};
      for (const e of this.entries(val, 'value') ?? []) {
        if (!RESERVED_KEYS.includes(e.key)) out[e.key] = this.data(e, report);
        else if (report) this.sink.error(e.keyNode, e.path, `the key ${JSON.stringify(e.key)} is not allowed in a value (it would change how objects behave); rename it`);
        else Object.defineProperty(out, e.key, { value: this.data(e, report), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return null;
  }

  /** True when the value is a plain scalar (not a list or mapping). */
  isScalar(val: Val): boolean {
    return isScalar(this.resolve(val.node)) || val.node === null;
  }

  /** How a value reads in a message: `0`, `1e-4`, `"abc"`, `a list`, `nothing`. */
  describe(val: Val): string {
    const node = this.resolve(val.node);
    if (node === null) return 'nothing';
    if (isMap(node)) return 'a mapping';
    if (isSeq(node)) return 'a list';
    if (isScalar(node)) {
      const v = node.value;
      if (v === null) return node.source || 'nothing';
      if (typeof v === 'string') return JSON.stringify(v);
      if (typeof v === 'number') return typeof node.source === 'string' && node.source !== '' ? node.source : String(v);
      return String(v);
    }
    return 'an unreadable value';
  }
}
