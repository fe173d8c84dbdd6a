/**
 * The contract of a stopping rule (design.md, "The pure core"): given the sweep and every run it
 * has (any state), which running runs to stop now, and why. Pure: no I/O, no clock.
 * A rule returns [] when the sweep has no metric or its early_terminate is another rule's;
 * it only ever names runs in state `running`, in the order they were given.
 */
import type { SweepConfig } from '../config/types.js';
import type { RunRecord, StopDecision } from '../run-record.js';

export type StoppingRule = (config: SweepConfig, runs: readonly RunRecord[]) => StopDecision[];
