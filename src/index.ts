/**
 * The public library API of hypersweep: exactly what `import ... from 'hypersweep'` offers.
 */
export type { Config, ParamValue, ParameterSpec, ParameterSpace, SweepConfig, MetricSpec, EarlyTerminateSpec } from './config/types.js';
export type { RunRecord, RunState, HistoryRow, Proposal, StopDecision } from './run-record.js';
export { HypersweepError, ConfigError, type ConfigIssue, type ErrorCode } from './errors.js';
export { canonicalJson, configHash, runIdFor } from './space/config-hash.js';
export { nextRuns } from './search/next-runs.js';
export type { NextRunsOptions, SearchOutcome } from './search/search-method.js';
export { runScore } from './metrics/run-score.js';
export { parseSweepConfig, checkSweepConfig, type SweepCheck, type ParseSweepOptions } from './config/parse-sweep-config.js';
export { loadSweepFile, checkSweepFile } from './config/load-sweep-file.js';
export { stopRuns } from './stopping/stop-runs.js';
export { hyperbandBrackets } from './stopping/hyperband.js';
export type { StoppingRule } from './stopping/stopping-rule.js';
export { createApp, type AppOptions } from './api/create-app.js';
export { startServer, type StartServerOptions, type RunningServer } from './api/start-server.js';
