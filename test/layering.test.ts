/**
 * The house's layering (design.md, "Layout"): no import cycle between files, and each folder
 * imports only from folders below it. The import graph is read with TypeScript's own
 * `preProcessFile` (already a dependency; madge or dependency-cruiser would add dozens of
 * packages for the same graph). Type-only imports count: a type is a dependency too.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Lower numbers are lower layers; a folder may import from strictly lower ones only. Files at
 * the top of src/ are their own "folders". worker/ sits beside controller and may use only
 * WORKER_MAY_USE.
 */
const LEVEL: Record<string, number> = {
  errors: 0,
  'package-root': 0,
  config: 1,
  'run-record': 2,
  space: 3,
  metrics: 4,
  search: 5,
  stopping: 5,
  store: 6,
  queue: 7,
  controller: 8,
  worker: 8,
  api: 9,
  local: 10,
  launch: 10,
  cli: 11,
  index: 12,
};
const WORKER_MAY_USE = new Set(['store', 'queue', 'config', 'space', 'errors', 'run-record', 'package-root']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** `src/store/keys.ts` → `store`; `src/errors.ts` → `errors`; `worker/agent.ts` → `worker`. */
function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'worker') return 'worker';
  return parts.length === 2 ? parts[1]!.replace(/\.ts$/, '') : parts[1]!;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of [...sourceFiles('src'), ...sourceFiles('worker')]) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, false);
    const deps = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(ROOT, resolve(ROOT, dirname(file), name.replace(/\.js$/, '.ts'))))
      .filter((path) => existsSync(join(ROOT, path)));
    graph.set(file, deps);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan), plus files importing themselves. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (w === v) found.push([v]);
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Folder edges that break the layering, as `from -> to (file → file)`. */
function upwardImports(graph: Map<string, string[]>): string[] {
  const bad: string[] = [];
  for (const [file, deps] of graph) {
    const from = folderOf(file);
    for (const dep of deps) {
      const to = folderOf(dep);
      if (from === to) continue;
      const allowed = from === 'worker' ? WORKER_MAY_USE.has(to) : LEVEL[to] !== undefined && LEVEL[from] !== undefined && LEVEL[to]! < LEVEL[from]!;
      if (!allowed) bad.push(`${from} -> ${to} (${file} → ${dep})`);
    }
  }
  return bad.sort();
}

const graph = importGraph();

test('every folder of src/ has a layer', () => {
  const folders = new Set([...graph.keys()].map(folderOf));
  expect([...folders].filter((f) => LEVEL[f] === undefined)).toEqual([]);
});

test('no import cycle between files of src/ and worker/', () => {
  expect(graph.size).toBeGreaterThan(100);
  expect(cycles(graph)).toEqual([]);
});

test('each folder imports only from folders below it; worker uses store, queue and config only', () => {
  expect(upwardImports(graph)).toEqual([]);
});

test('the checks are not vacuous: an upward import and a cycle are found when present', () => {
  const planted = new Map(graph);
  planted.set('src/store/planted.ts', ['src/controller/controller.ts', 'src/store/keys.ts']);
  planted.set('src/space/a.ts', ['src/space/b.ts']);
  planted.set('src/space/b.ts', ['src/space/a.ts']);
  expect(upwardImports(planted)).toContain('store -> controller (src/store/planted.ts → src/controller/controller.ts)');
  expect(cycles(planted)).toContainEqual(['src/space/a.ts', 'src/space/b.ts']);
});
