/**
 * Checks shared by the launchers (Slurm script, Kubernetes Job): every value they write into a
 * script or manifest is one token of a known shape, so nothing typed on the command line can add
 * a line to a script or a field to a manifest.
 */
import { HypersweepError } from '../errors.js';

/** Sweep ids as newSweepId makes them, and names users give: letters, digits, `-`, `_`, `.`. */
export const SWEEP_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** A launcher input that breaks its rule; the CLI prints the message and exits 1. */
export function launchError(message: string): HypersweepError {
  return new HypersweepError('BAD_REQUEST', message);
}

export function checkSweepId(sweepId: string): string {
  if (!SWEEP_ID.test(sweepId)) throw launchError(`sweep id ${JSON.stringify(sweepId)}: expected letters, digits, - _ . (as \`hypersweep sweep\` prints it)`);
  return sweepId;
}

/** One token of `shape`, named `option` in the error. */
export function checkToken(option: string, value: string, shape: RegExp, example: string): string {
  if (!shape.test(value)) throw launchError(`${option} ${JSON.stringify(value)}: expected ${example}`);
  return value;
}

/** Each argument as the script's bash reads it back (one definition for every printed command). */
export { shellQuote } from 'hypersweep/web/shared/config-args.js';
