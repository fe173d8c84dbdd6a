/**
 * `hypersweep reproduce --print` shows what an agent recorded: host names, branches, file names,
 * argv and config values that a hostile or careless agent may fill with escape sequences and
 * newlines. The printed text must hold no raw control character a terminal acts on, no injected
 * line (a newline in a file name must not become a command when the text is pasted), and still
 * rebuild the exact argv and files when pasted into bash.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { describeAttempt } from '../../src/cli/reproduce.js';
import type { RunDetail } from '../../src/store/run-store.js';
import type { AttemptProvenance } from '../../src/store/run-provenance.js';
import { wandbParamsYaml } from '../../worker/wandb-env.js';

/** A terminal acts on these (C0 but newline, DEL, C1, U+2028/9). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
const HOSTILE = 'a\u001b]52;c;cm0gLXJmIH4=\u0007b\u009b31m\nrm -rf ~ #\u2028z\'"\\$HOME`id`';

const dir = mkdtempSync(join(tmpdir(), 'hs-reproduce-print-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function record(): AttemptProvenance {
  return {
    attempt: 1,
    recordedAt: 0,
    argv: ['/bin/sh', '-c', 'printf "%s|" "$@" > "$OUT"', 'sh', HOSTILE, 'plain', "it's"],
    cwd: dir,
    program: null,
    env: { OUT: join(dir, 'argv.txt'), WANDB_SWEEP_PARAM_PATH: join(dir, 'files', 'wandb-sweep-params.yaml'), HOSTILE_VALUE: HOSTILE },
    filesDir: join(dir, 'files'),
    floats: [],
    git: { root: `/repo/${HOSTILE}`, commit: 'abc', branch: HOSTILE, dirty: true, dirtyFiles: [HOSTILE], untracked: [HOSTILE], diff: '', diffBytes: 0, diffSha256: 'x', diffTruncated: false },
    python: null,
    host: HOSTILE,
    os: HOSTILE,
    gpus: [{ name: HOSTILE, driver: HOSTILE } as AttemptProvenance['gpus'][number]],
    cudaVisibleDevices: HOSTILE,
    hypersweepVersion: '0.1.0',
    hypersweepDir: '/opt/hs',
    nodeVersion: 'v20',
  } as AttemptProvenance;
}

const run = { id: 'r1', sweepId: 's1', state: 'finished', score: null, config: { opt: HOSTILE, [`k${HOSTILE}`]: { n: 1 } } } as unknown as RunDetail;

test('the printed text holds no raw control character and no line an agent injected', () => {
  const text = describeAttempt(run, record());
  expect(text).not.toMatch(RAW_CONTROL);
  // Every line is a comment, a shell command of ours, a heredoc line, or a continuation of the command.
  for (const line of text.split('\n')) expect(line).not.toMatch(/^rm -rf/);
  expect(text).toContain('# host a\\u001b]52;c;cm0gLXJmIH4=\\u0007b\\u009b31m\\u000arm -rf ~ #\\u2028z');
});

test('pasted into bash, the text rebuilds the exact argv, params.json and W&B params file', () => {
  const text = describeAttempt(run, record());
  execFileSync('bash', ['-c', text], { cwd: dir });
  expect(readFileSync(join(dir, 'argv.txt'), 'utf8')).toBe(`${HOSTILE}|plain|it's|`);
  expect(JSON.parse(readFileSync(join(dir, 'files', 'params.json'), 'utf8'))).toEqual(run.config);
  const yamlText = readFileSync(join(dir, 'files', 'wandb-sweep-params.yaml'), 'utf8');
  expect(yamlText).toBe(wandbParamsYaml(run.config));
  expect(parseYaml(yamlText)).toEqual({ wandb_version: 1, opt: { value: HOSTILE }, [`k${HOSTILE}`]: { value: { n: 1 } } });
});
