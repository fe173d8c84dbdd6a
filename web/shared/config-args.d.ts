/** Types of web/shared/config-args.js (a plain ES module the dashboard loads as is). */
type Value = number | string | boolean | null | Value[] | { [key: string]: Value };
type ConfigLike = { [name: string]: Value };
/** Paths (names from the top) of integral numbers that are floats in W&B. */
type FloatPaths = ReadonlyArray<readonly string[]>;

export function configLeaves(config: ConfigLike, path?: string[]): Array<[name: string, value: Value, path: string[]]>;
export function formatValue(value: Value, float?: boolean): string;
export function isFloatPath(floats: FloatPaths | undefined, path: readonly string[]): boolean;
export function argsOf(config: ConfigLike, floats?: FloatPaths): string[];
export function visibleText(text: string): string;
export function shellQuote(arg: string): string;
export function pastableArgs(config: ConfigLike, floats?: FloatPaths): string[];
export function configJson(config: ConfigLike, floats?: FloatPaths): string;
