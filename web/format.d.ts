/** Types of web/format.js (plain ES module served to the browser as is). */
export interface SearchedParameter {
  name: string;
  kind: 'number' | 'category';
  log: boolean;
  values?: unknown[];
}
export function fmtNum(value: unknown): string;
export function fmtAge(ms: number | null, now?: number): string;
export function fmtSpan(ms: number): string;
export function runDurationMs(run: { startedAt: number | null; endedAt: number | null }, now?: number): number | null;
export function fmtTime(ms: number | null): string;
export function flattenConfig(config: Record<string, unknown>): Record<string, unknown>;
export function searchedParameters(parameters: Record<string, unknown> | undefined, prefix?: string, out?: SearchedParameter[]): SearchedParameter[];
export function parametersFromRuns(runs: ReadonlyArray<{ config: Record<string, unknown> }>): SearchedParameter[];
export function valueLabel(value: unknown): string;
export function configYaml(config: Record<string, unknown>, indent?: string): string;
export function configArgs(config: Record<string, unknown>): string;
export const STATE_ORDER: string[];
