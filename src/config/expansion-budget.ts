/**
 * Measures a parsed sweep document as it will be read: aliases and merge keys expanded each
 * time they are used. Each distinct node is measured once (memoised), so the check itself is
 * linear in the file; the first use that breaks a limit of sweep-file-limits.ts is reported
 * at that node and the document is not read further. Our NodeReader follows aliases itself,
 * so the yaml library's own `maxAliasCount` never applies: this is what bounds it.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { IssueSink, Located } from './issue-sink.js';
import { MAX_ALIAS_EXPANSIONS, MAX_EXPANDED_SIZE, MAX_NESTING_DEPTH } from './sweep-file-limits.js';

/** What one node costs once expanded. */
interface Cost {
  /** Nodes plus scalar characters. */
  size: number;
  /** Alias uses. */
  aliases: number;
  /** Levels of mappings and lists below and including this node. */
  height: number;
}

class BudgetExceeded {
  constructor(
    readonly at: Located | undefined,
    readonly message: string,
  ) {}
}

const LEAF: Cost = { size: 1, aliases: 0, height: 0 };

/**
 * The deepest `[`/`{` nesting of the text, quotes and comments skipped: a linear scan that lets
 * a deeply nested flow collection be refused before the yaml parser spends time on it.
 * Brackets in plain or block scalars count too, so it can only overstate the depth. Stops at the
 * first bracket deeper than `limit` (its offset is returned).
 */
export function flowDepth(text: string, limit = Infinity): { depth: number; offset: number } {
  let depth = 0;
  let max = 0;
  let offset = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      const prev = i > 0 ? text[i - 1]! : ' ';
      if (!/[\s[{,:]/.test(prev)) continue; // an apostrophe inside a word
      for (i++; i < text.length && text[i] !== ch && text[i] !== '\n'; i++) if (ch === '"' && text[i] === '\\') i++;
    } else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '[' || ch === '{') {
      if (++depth > max) {
        max = depth;
        offset = i;
        if (depth > limit) break;
      }
    } else if ((ch === ']' || ch === '}') && depth > 0) {
      depth--;
    }
  }
  return { depth: max, offset };
}

/** True when the document is within every limit; otherwise one issue in the sink and false. */
export function checkExpansionBudget(doc: Document, sink: IssueSink): boolean {
  const memo = new Map<Node, Cost>();
  const open = new Set<Node>();

  const add = (total: Cost, child: Cost, at: Located | undefined): void => {
    total.size += child.size;
    total.aliases += child.aliases;
    total.height = Math.max(total.height, child.height + 1);
    if (total.aliases > MAX_ALIAS_EXPANSIONS) {
      throw new BudgetExceeded(at, `too many alias expansions: aliases and merge keys are used more than ${MAX_ALIAS_EXPANSIONS} times once expanded`);
    }
    if (total.size > MAX_EXPANDED_SIZE) {
      throw new BudgetExceeded(at, `too many alias expansions: the file expands to more than ${MAX_EXPANDED_SIZE} nodes and characters once aliases and merge keys are expanded`);
    }
  };

  const visit = (value: unknown, depth: number): Cost => {
    const node = value as Node | null | undefined;
    if (node === null || node === undefined) return LEAF;
    if (depth > MAX_NESTING_DEPTH) throw new BudgetExceeded(node, `nested too deeply: more than ${MAX_NESTING_DEPTH} levels of mappings and lists`);
    if (isAlias(node)) {
      const target = node.resolve(doc) as Node | undefined;
      if (!target) return LEAF;
      if (open.has(target)) throw new BudgetExceeded(node, `alias *${node.source} refers to a mapping or list that contains it (a cycle)`);
      const cost = visit(target, depth);
      const total = { size: 0, aliases: 1, height: 0 };
      add(total, cost, node);
      total.height = cost.height;
      return total;
    }
    const known = memo.get(node);
    if (known) {
      if (depth + known.height > MAX_NESTING_DEPTH) throw new BudgetExceeded(node, `nested too deeply: more than ${MAX_NESTING_DEPTH} levels of mappings and lists`);
      return known;
    }
    let cost: Cost;
    if (isScalar(node)) {
      const text = typeof node.source === 'string' ? node.source : String(node.value);
      cost = { size: 1 + text.length, aliases: 0, height: 0 };
    } else if (isMap(node) || isSeq(node)) {
      open.add(node);
      cost = { size: 1, aliases: 0, height: 1 };
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          add(cost, visit(item.key, depth + 1), item.key as Node);
          add(cost, visit(item.value, depth + 1), (item.value ?? item.key) as Node);
        } else {
          add(cost, visit(item, depth + 1), item as Node);
        }
      }
      open.delete(node);
    } else {
      cost = LEAF;
    }
    memo.set(node, cost);
    return cost;
  };

  try {
    visit(doc.contents, 0);
    return true;
  } catch (err) {
    if (!(err instanceof BudgetExceeded)) throw err;
    sink.error(err.at?.range ? err.at : 0, '', err.message);
    return false;
  }
}
