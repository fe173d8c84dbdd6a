/**
 * `hypersweep reproduce RUN [--print | --run]`: what an attempt ran, from its provenance record
 * (src/store/run-provenance.ts, through the API): the exact command, working directory,
 * hypersweep's environment variables and the config file, to run it again by hand. With
 * `--run`: first compares the code and packages here with the recorded ones and says precisely
 * what differs (commit, dirty files, uncommitted changes, Python, package versions), then runs
 * it on this machine outside any sweep and prints its final metrics next to the recorded ones.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { configJson, shellQuote, visibleText } from 'hypersweep/web/shared/config-args.js';
import { gitState } from '../../worker/git-state.js';
import { pythonEnv } from '../../worker/python-env.js';
import { scriptInterpreter, wandbParamsYaml } from '../../worker/wandb-env.js';
import { HypersweepError } from '../errors.js';
import { rowsOfAttempt, type HistoryRow } from '../run-record.js';
import type { RunDetail } from '../store/run-store.js';
import type { AttemptProvenance } from '../store/run-provenance.js';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';
import { codeDifferences, packageDifferences } from './provenance-diff.js';
import { rerunAttempt } from './rerun-attempt.js';

interface ReproduceOptions extends ServerOptions {
  print?: boolean;
  run?: boolean;
  attempt?: string;
  cwd?: string;
  strict?: boolean;
  json?: boolean;
}

type RunWithProvenance = RunDetail & { provenance: AttemptProvenance[] };

function pickRecord(run: RunWithProvenance, attempt: string | undefined): AttemptProvenance {
  if (attempt !== undefined) {
    const n = Number(attempt);
    const rec = run.provenance.find((p) => p.attempt === n);
    if (!rec) throw new HypersweepError('NOT_FOUND', `run ${run.id} has no record of attempt ${attempt} (recorded: ${run.provenance.map((p) => p.attempt).join(', ') || 'none'})`);
    return rec;
  }
  const rec = run.provenance.at(-1);
  if (!rec) throw new HypersweepError('NOT_FOUND', `run ${run.id} (${run.state}) has no provenance record: it has not started yet, or its agent predates hypersweep's recording of what a run ran`);
  return rec;
}

/** The lines `--print` shows: where it ran, the code, the command to paste, the config file. */
export function describeAttempt(run: RunDetail, rec: AttemptProvenance): string {
  const out: string[] = [];
  /** A `#` line: what agents recorded (hosts, file names, branches) may hold escape sequences or newlines; shown escaped, on one line. */
  const comment = (text: string) => out.push(`# ${visibleText(text)}`);
  comment(`run ${run.id} attempt ${rec.attempt} of sweep ${run.sweepId}: ${run.state}${run.score !== null ? `, score ${run.score}` : ''}`);
  comment(`host ${rec.host}, ${rec.os}${rec.gpus.length ? `, GPUs ${rec.gpus.map((g) => `${g.name} (driver ${g.driver})`).join(', ')}` : ''}${rec.cudaVisibleDevices !== null ? `, CUDA_VISIBLE_DEVICES=${rec.cudaVisibleDevices}` : ''}`);
  const g = rec.git;
  if (g) {
    comment(`code: ${g.root} at ${g.commit ?? '(no commit)'}${g.branch ? ` (${g.branch})` : ''}, ${g.dirty ? `dirty: ${g.dirtyFiles.join(', ')} (diff ${g.diffBytes} bytes, sha256 ${g.diffSha256}${g.diffTruncated ? ', too long to keep' : ''})` : 'clean'}`);
    if (g.untracked.length > 0) comment(`untracked files: ${g.untracked.join(', ')}`);
  } else out.push('# code: not in a git repository');
  if (rec.python) comment(`python: ${rec.python.interpreter} ${rec.python.version} (${rec.python.executable}), ${rec.python.packages.length} packages, sha256 ${rec.python.packagesSha256}`);
  comment(`hypersweep ${rec.hypersweepVersion} at ${rec.hypersweepDir}, node ${rec.nodeVersion}`);
  if ([...rec.argv, ...Object.values(rec.env)].some((s) => s.includes('***'))) out.push('# values shown as *** were secrets (URL passwords, tokens) and were never recorded: put them back before running');
  comment(`the attempt's files (removed when it ended), made again:`);
  const dir = shellQuote(rec.filesDir);
  out.push(`mkdir -p ${dir} && : > ${dir}/metrics.jsonl`);
  out.push(`cat > ${dir}/params.json <<'HYPERSWEEP_EOF'\n${configJson(run.config, rec.floats).trimEnd()}\nHYPERSWEEP_EOF`);
  if (Object.values(rec.env).some((v) => v.includes('wandb-sweep-params.yaml'))) out.push(`cat > ${dir}/wandb-sweep-params.yaml <<'HYPERSWEEP_EOF'\n${wandbParamsYaml(run.config, rec.floats).trimEnd()}\nHYPERSWEEP_EOF`);
  out.push(`cd ${shellQuote(rec.cwd)}`);
  const env = Object.entries(rec.env).map(([k, v]) => `${visibleText(k)}=${shellQuote(v)}`);
  out.push([...(env.length ? ['env', ...env] : []), ...rec.argv.map(shellQuote)].join(' \\\n  '));
  return out.join('\n');
}

/** The last value of each metric the attempt logged. */
function recordedFinal(run: RunDetail, attempt: number): Record<string, number> {
  const final: Record<string, number> = {};
  for (const row of rowsOfAttempt<HistoryRow>(run.history, attempt)) {
    for (const [k, v] of Object.entries(row)) if (!k.startsWith('_') && typeof v === 'number') final[k] = v;
  }
  return final;
}

export function register(program: Command): void {
  serverOptions(
    program
      .command('reproduce')
      .description('print the exact command, cwd, environment and config an attempt ran; --run runs it here after comparing code and packages')
      .argument('<run>', 'run id')
      .option('--print', 'print the command to run it by hand (the default)')
      .option('--run', 'run it on this machine, outside any sweep, and print its final metrics')
      .option('--attempt <n>', 'which attempt (default: the latest recorded)')
      .option('--cwd <dir>', 'where to run it (default: the recorded working directory when it exists here, else the current one)')
      .option('--strict', 'with --run: refuse to run when the code or packages differ')
      .option('--json', 'print the provenance record as JSON'),
  ).action(async (runId: string, opts: ReproduceOptions) => {
    const run = await new ApiClient(opts).get<RunWithProvenance>(`/api/runs/${encodeURIComponent(runId)}`);
    const rec = pickRecord(run, opts.attempt);
    if (opts.json) {
      console.log(JSON.stringify(rec, null, 2));
      return;
    }
    console.log(describeAttempt(run, rec));
    if (!opts.run) return;

    const cwd = resolve(opts.cwd ?? (existsSync(rec.cwd) ? rec.cwd : process.cwd()));
    const programDir = rec.program ? dirname(resolve(cwd, rec.program)) : cwd;
    const [git, python] = await Promise.all([gitState(programDir), rec.python ? pythonEnv(scriptInterpreter(rec.argv, rec.python.interpreter), process.env, cwd) : null]);
    const differences = [...codeDifferences(rec.git, git), ...packageDifferences(rec.python, python)];
    if (differences.length === 0) console.error(`reproduce: code${rec.python ? ' and packages' : ''} match the record`);
    else for (const d of differences) console.error(`reproduce: differs: ${d}`);
    if (differences.length > 0 && opts.strict) throw new HypersweepError('BAD_REQUEST', `reproduce: not run (--strict): ${differences.length} difference(s) from the record`);

    console.error(`reproduce: running in ${cwd}`);
    const result = await rerunAttempt(rec, run.config, cwd, (r) => {
      if (r.row) console.error(`reproduce: metrics ${JSON.stringify(r.row)}`);
    });
    const recorded = recordedFinal(run, rec.attempt);
    console.log(`final metrics: ${JSON.stringify(result.final)}`);
    console.log(`recorded:      ${JSON.stringify(recorded)}`);
    const changed = Object.keys({ ...recorded, ...result.final }).filter((k) => recorded[k] !== result.final[k]);
    console.log(changed.length === 0 ? 'same final metrics as the recorded run' : `final metrics differ: ${changed.join(', ')}`);
    if (result.exitCode !== 0) process.exitCode = result.exitCode ?? 1;
  });
}
