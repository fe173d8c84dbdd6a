/**
 * The bounds every sweep file is held to before anything is expanded or allocated (design.md,
 * security rules). Together they keep reading one file linear in its size and under ~100 ms,
 * whoever wrote it: the README's "Security" section lists them.
 */

/** Largest sweep file, in UTF-8 bytes (the yaml library parses ~1 KB/ms). @defaultValue 64 KiB */
export const MAX_SWEEP_FILE_BYTES = 64 * 1024;

/** Deepest nesting of mappings and lists, aliases followed. @defaultValue 64 */
export const MAX_NESTING_DEPTH = 64;

/** Most alias (`*name`) and merge-key (`<<: *name`) uses, counted in the expanded tree. @defaultValue 10,000 */
export const MAX_ALIAS_EXPANSIONS = 10_000;

/**
 * Largest expanded tree: every node counts 1 plus the characters of its scalar text, aliases
 * counted each time they are used. A file without aliases stays well under it. @defaultValue 256 Ki
 */
export const MAX_EXPANDED_SIZE = 256 * 1024;

/** Most parameters in one sweep, nested ones included. @defaultValue 1,000 */
export const MAX_PARAMETERS = 1000;

/** Longest `hypersweep.run_timeout_sec` (timers past 2^31 ms are chained, so any value would work; this catches typos). @defaultValue 365 days */
export const MAX_RUN_TIMEOUT_SEC = 365 * 86_400;

/** Most hyperband brackets from `max_iter` and `s` (W&B builds 100 from `min_iter`). @defaultValue 100 */
export const MAX_HYPERBAND_S = 100;

/** Largest hyperband `min_iter` and `max_iter` (report counts). @defaultValue 1,000,000,000 */
export const MAX_HYPERBAND_ITER = 1_000_000_000;

/** Largest hyperband `eta` (it must be > 1). @defaultValue 1,000,000 */
export const MAX_HYPERBAND_ETA = 1_000_000;

/** Names that would reach Object.prototype when used as keys: never a parameter or value key. */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
