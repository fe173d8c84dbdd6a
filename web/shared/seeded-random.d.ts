/** Types of web/shared/seeded-random.js (a plain ES module the dashboard loads as is). */
export function seededRandom(seed: number): () => number;
