/** Types of web/shared/version-changes.js (a plain ES module the dashboard loads as is). */
/** A parameter's spec in a few words: `uniform 0.001 … 0.1`, `values [32,64]`, `value 3`, with its q, default and when. */
export function specText(spec: object | undefined): string;
/** The lines of one version's changes (null: none to show). */
export function changeLines(changes: {
  parameters: { added: Array<{ name: string; to?: object }>; removed: Array<{ name: string }>; changed: Array<{ name: string; from?: object; to?: object }> };
  settings: Array<{ key: string; from?: unknown; to?: unknown }>;
} | null): Array<{ kind: 'added' | 'removed' | 'changed'; text: string }>;
