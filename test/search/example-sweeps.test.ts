/** Every example sweep file, parsed for real, gives well-formed proposals from nextRuns. */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSweepFile } from '../../src/config/load-sweep-file.js';
import { nextRuns } from '../../src/search/next-runs.js';
import { canonicalJson } from '../../src/space/config-hash.js';
import { activityIn } from '../../src/space/conditional-space.js';
import { flattenSpace, valueAtPath } from '../../src/space/flatten-space.js';
import { finiteValues } from '../../src/space/finite-values.js';

const dir = fileURLToPath(new URL('../../sweeps/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe.each(files)('example sweep %s', (name) => {
  it('gives distinct proposals with a value for every parameter, discrete ones from their finite support', () => {
    const config = loadSweepFile(dir + name);
    const proposals = nextRuns(config, [], { count: 5, seed: 1 }).proposals;
    expect(proposals.length).toBeGreaterThan(0);
    expect(new Set(proposals.map((p) => canonicalJson(p.config))).size).toBe(proposals.length);
    for (const p of proposals) {
      const isActive = activityIn(config.parameters, p.config);
      for (const leaf of flattenSpace(config.parameters)) {
        const value = valueAtPath(p.config, leaf.path);
        if (!isActive(leaf.path)) {
          expect(value, `${leaf.path.join('.')} is inactive (when:)`).toBeUndefined();
          continue;
        }
        expect(value, leaf.path.join('.')).toBeDefined();
        const allowed = finiteValues(leaf.spec);
        if (allowed) expect(allowed.map((v) => canonicalJson(v)), leaf.path.join('.')).toContain(canonicalJson(value!));
      }
    }
  });
});
