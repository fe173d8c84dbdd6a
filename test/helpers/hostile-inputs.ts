/**
 * The inputs issue 13 found taking the controller or an agent down, as generators: each test
 * that proves one is refused now (and the /healthz latency test) builds it from here.
 */

/** ~1 KB: nested parameters blocks, each level using the one below ten times (10^9 leaves once expanded). */
export function aliasBombSweep(levels = 9): string {
  const lines = ['method: random', 'parameters:', '  l0: &l0 {parameters: {x: {value: 1}, y: {value: 2}}}'];
  for (let i = 1; i <= levels; i++) {
    const uses = Array.from({ length: 10 }, (_, k) => `k${k}: *l${i - 1}`).join(', ');
    lines.push(`  l${i}: &l${i} {parameters: {${uses}}}`);
  }
  return `${lines.join('\n')}\n`;
}

/** ~540 bytes: a `values: *list` alias chain, each constant's list holding the one before three times. */
export function aliasChainValuesSweep(levels = 12): string {
  const lines = ['method: random', 'parameters:', '  c0: {value: &v0 [1, 2, 3]}'];
  for (let i = 1; i <= levels; i++) lines.push(`  c${i}: {value: &v${i} [*v${i - 1}, *v${i - 1}, *v${i - 1}]}`);
  lines.push(`  p: {values: *v${levels}}`);
  return `${lines.join('\n')}\n`;
}

/** A grid of `count` integer parameters of a million values each (~7 KB for 250). */
export function hugeGridSweep(count = 250): string {
  const params = Array.from({ length: count }, (_, i) => `  p${i}: {min: 0, max: 999999}`);
  return `method: grid\nparameters:\n${params.join('\n')}\n`;
}

/** One line of JSON nested `depth` deep, as a metric line a script could print. */
export function deepJson(depth = 20_000): string {
  return `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

/** The Katib line that made the old pattern backtrack quadratically: `k=` then many digits. */
export function katibBacktrackLine(digits = 32_768): string {
  return `k=${'1'.repeat(digits)}x`;
}
