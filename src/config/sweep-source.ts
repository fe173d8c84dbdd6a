/**
 * Turns sweep file text (YAML, or JSON) into a yaml document with source positions, reporting
 * syntax errors and duplicate keys as config issues. YAML is read with the YAML 1.2 core
 * schema (`1e-4` is a number), merge keys (`<<: *base`) allowed, as PyYAML does.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { checkExpansionBudget, flowDepth } from './expansion-budget.js';
import { IssueSink } from './issue-sink.js';
import { MAX_NESTING_DEPTH, MAX_SWEEP_FILE_BYTES } from './sweep-file-limits.js';

export interface SweepSource {
  doc: Document.Parsed;
  sink: IssueSink;
  /** False when the text could not be parsed at all (syntax errors are in the sink). */
  parsed: boolean;
}

/** True when the text should be read as strict JSON: a `.json` file. */
export function isJsonFile(file: string | undefined): boolean {
  return file !== undefined && /\.json$/i.test(file);
}

export function parseSweepSource(source: string, file?: string): SweepSource {
  const lineCounter = new LineCounter();
  const sink = new IssueSink(lineCounter);
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_SWEEP_FILE_BYTES) {
    sink.error(undefined, '', `the sweep file is ${bytes} bytes; the most hypersweep reads is ${MAX_SWEEP_FILE_BYTES} (MAX_SWEEP_FILE_BYTES)`);
    return { doc: parseDocument(''), sink, parsed: false };
  }
  const flow = flowDepth(source, MAX_NESTING_DEPTH);
  if (flow.depth > MAX_NESTING_DEPTH) {
    lineCounter.addNewLine(0);
    for (let i = source.indexOf('\n'); i >= 0 && i < flow.offset; i = source.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    sink.error(flow.offset, '', `nested too deeply: more than ${MAX_NESTING_DEPTH} levels of mappings and lists`);
    return { doc: parseDocument(''), sink, parsed: false };
  }
  const doc = parseDocument(source, {
    lineCounter,
    schema: 'core',
    merge: true,
    uniqueKeys: false,
    prettyErrors: false,
    keepSourceTokens: false,
  });
  if (isJsonFile(file) && !jsonSyntaxOk(source, sink)) return { doc, sink, parsed: false };
  for (const e of doc.errors) {
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    sink.error(errorOffset(source, e.code, message, e.pos[0]), '', `YAML syntax error: ${message}`);
  }
  if (doc.errors.length > 0) return { doc, sink, parsed: false };
  for (const w of doc.warnings) {
    sink.warn(w.pos[0], '', `YAML: ${w.message.split('\n')[0]}`);
  }
  if (!checkExpansionBudget(doc, sink)) return { doc, sink, parsed: false };
  reportDuplicateKeys(doc.contents, '', sink);
  return { doc, sink, parsed: true };
}

/** yaml reports an unclosed quote at the end of the text; point at the opening quote instead. */
function errorOffset(source: string, code: string, message: string, offset: number): number {
  const quote = code === 'MISSING_CHAR' ? /closing (["'])quote/.exec(message)?.[1] : undefined;
  if (!quote) return offset;
  const open = source.lastIndexOf(quote, Math.max(0, offset - 1));
  return open >= 0 ? open : offset;
}

/** Strict JSON check for `.json` files (the yaml parser would accept more). */
function jsonSyntaxOk(source: string, sink: IssueSink): boolean {
  try {
    JSON.parse(source);
    return true;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const m = /position (\d+)/.exec(message);
    const offset = m ? Number(m[1]) : source.length;
    const text = message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+.*$/, '');
    sink.error(Math.min(offset, source.length), '', `JSON syntax error: ${text}`);
    return false;
  }
}

/** Dotted path of a child: `parameters.lr`, `command[1]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/** A map key as text (`<<` for a merge key). */
export function keyText(key: unknown): string {
  if (isScalar(key)) {
    if (typeof key.value === 'symbol') return '<<';
    return String(key.value);
  }
  return String(key);
}

function reportDuplicateKeys(node: Node | null, path: string, sink: IssueSink): void {
  if (isMap(node)) {
    const seen = new Map<string, Node>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = keyText(pair.key);
      const keyNode = pair.key as Node;
      const first = seen.get(key);
      if (first && key !== '<<') {
        const pos = sink.position(first);
        const where = pos ? ` (first at line ${pos.line}, column ${pos.column})` : '';
        sink.error(keyNode, childPath(path, key), `duplicate key "${key}"${where}; each key must appear once`);
      } else {
        seen.set(key, keyNode);
      }
      reportDuplicateKeys(pair.value as Node | null, childPath(path, key), sink);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => reportDuplicateKeys(item as Node | null, childPath(path, i), sink));
  } else if (isAlias(node)) {
    // the anchored node is checked where it is defined
  }
}
