/**
 * Seeded randomness for the pure core. A search method derives its stream from the sweep seed
 * and what it knows (e.g. the number of runs), so the same inputs give the same proposals
 * after any restart. sfc32, seeded through SHA-256 of the parts.
 */
import { createHash } from 'node:crypto';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** A generator seeded by any list of parts: `createRng(seed, 'random', runs.length)`. */
export function createRng(...parts: Array<number | string>): Rng {
  const digest = createHash('sha256').update(parts.map(String).join('\u0000')).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return { next };
}
