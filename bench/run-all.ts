/**
 * `npm run bench`: every benchmark of bench/, one after another (never at once: each measures
 * the machine), each in its own process at a lower priority (nice 10), with its own table and
 * JSON line; then one line per benchmark with its exit code and wall time. Arguments after `--`
 * pick benchmarks by name: `npm run bench -- controller dashboard`.
 *
 * Not here: bench/gpu-check.ts (needs GPUs: `npm run gpu-check`), bench/tpe.ts (a helper of
 * search-quality), bench/functions/ (its test functions).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = ['suggest-latency', 'search-quality', 'controller', 'agent-overhead', 'dashboard'] as const;
const here = fileURLToPath(new URL('.', import.meta.url));

function runOne(name: string): Promise<{ name: string; code: number | null; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('nice', ['-n', '10', process.execPath, '--import', 'tsx', join(here, `${name}.ts`)], { stdio: 'inherit' });
    child.on('exit', (code) => resolve({ name, code, seconds: (performance.now() - started) / 1000 }));
    child.on('error', () => resolve({ name, code: null, seconds: (performance.now() - started) / 1000 }));
  });
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(BENCHMARKS as readonly string[]).includes(w));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; there are: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
const results = [];
for (const name of wanted.length > 0 ? wanted : BENCHMARKS) {
  console.log(`\n=== bench/${name}.ts`);
  results.push(await runOne(name));
}
console.log('\n=== summary');
for (const r of results) console.log(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name.padEnd(16)} ${r.seconds.toFixed(0)} s${r.code === 0 ? '' : ` (exit ${r.code})`}`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
