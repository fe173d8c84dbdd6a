import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { MetricsFileTail } from '../../worker/metrics-file-tail.js';

test('catchUp reads what the script appended before a metric that came another way, at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-tail-'));
  try {
    const file = join(dir, 'm.jsonl');
    writeFileSync(file, '');
    const lines: string[] = [];
    // A poll interval far beyond the test: only catchUp can have read the rows.
    const tail = new MetricsFileTail(file, (l) => lines.push(`file ${l}`), 60_000);
    tail.start();
    appendFileSync(file, '{"_step":0}\n{"_step":');
    // A stdout metric line arrives: the file's complete rows come first, in the same tick.
    tail.catchUp();
    lines.push('stdout {"_step":1}');
    expect(lines).toEqual(['file {"_step":0}', 'stdout {"_step":1}']);
    appendFileSync(file, '2}\n');
    tail.stop();
    expect(lines).toEqual(['file {"_step":0}', 'stdout {"_step":1}', 'file {"_step":2}']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('catchUp on a file that does not exist yet reads nothing and does not throw', () => {
  const lines: string[] = [];
  const tail = new MetricsFileTail(join(tmpdir(), 'hs-no-such-dir', 'm.jsonl'), (l) => lines.push(l), 60_000);
  tail.catchUp();
  tail.stop();
  expect(lines).toEqual([]);
});
