/**
 * mulberry32: a small seeded generator in [0, 1), for the dashboard's importance forest and the
 * fault suite's draws (the same seed gives the same sequence in both). A plain ES module: the
 * browser loads it as is; TypeScript imports it as `hypersweep/web/shared/seeded-random.js`.
 */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
