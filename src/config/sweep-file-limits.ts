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

/** Names that would reach Object.prototype when used as keys: never a parameter or value key. */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
