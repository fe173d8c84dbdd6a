/**
 * What an attempt ran, recorded once its script has started (off the hot path: the start never
 * waits for it): argv, cwd, the variables hypersweep set, the git state of the program's
 * directory (git-state.ts), the command's Python and packages (python-env.ts), the host and
 * GPUs (host-info.ts). What does not change per run is asked once per agent.
 *
 * Secrets never: no environment variable is recorded but those hypersweep set; URLs in argv and
 * env lose their user-info (the one redaction, src/store/redis-url.ts); and the values of the
 * agent's secret-looking variables (…TOKEN, …PASSWORD, …KEY, URL passwords) are replaced by
 * `***` wherever they appear in the record (a command may pass one through `${envvar:…}`).
 */
import { dirname, resolve } from 'node:path';
import type { RedisClient } from '../src/store/redis-client.js';
import { packageRoot, packageVersion } from '../src/package-root.js';
import type { RunJob } from '../src/queue/run-job.js';
import { redactRedisUrl } from '../src/store/redis-url.js';
import { writeAttemptProvenance, type AttemptProvenance } from '../src/store/run-provenance.js';
import { gitState } from './git-state.js';
import { hostInfo } from './host-info.js';
import { pythonEnv } from './python-env.js';
import { scriptInterpreter } from './wandb-env.js';

export interface ProvenanceInput {
  redis: RedisClient;
  job: RunJob;
  argv: readonly string[];
  cwd: string;
  /** The attempt's environment (what the script got). */
  env: NodeJS.ProcessEnv;
  /** The agent's environment (what the script inherited). */
  agentEnv: NodeJS.ProcessEnv;
  /** The agent's `${interpreter}`. */
  interpreter: string;
  /** The attempt's folder (attempt-files.ts). */
  filesDir: string;
  warn: (message: string) => void;
}

const SECRET_NAME = /TOKEN|SECRET|PASSW|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH/i;
const URL_USERINFO = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^@/\s]*)@/;

const secretsOf = new WeakMap<NodeJS.ProcessEnv, string[]>();

/** secretValues of the agent's environment, worked out once per environment object (it does not change while the agent runs). */
function agentSecrets(env: NodeJS.ProcessEnv): string[] {
  let secrets = secretsOf.get(env);
  if (!secrets) secretsOf.set(env, (secrets = secretValues(env)));
  return secrets;
}

/** The values to scrub: secret-looking variables' values and the user-info parts of URL values (at least 4 characters each). */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_NAME.test(name) && value.length >= 4) out.add(value);
    const info = URL_USERINFO.exec(value)?.[1];
    if (info) {
      for (const part of [info, ...info.split(':')]) {
        if (part.length >= 4) out.add(part);
        try {
          const decoded = decodeURIComponent(part);
          if (decoded.length >= 4) out.add(decoded);
        } catch {
          // not percent-encoded
        }
      }
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

/** Every string of `value` scrubbed of `secrets`. */
function scrubDeep<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return scrub(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets) as unknown) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, secrets)])) as T;
  return value;
}

/** The variables hypersweep set or changed (attempt env vs agent env), URLs redacted. */
export function hypersweepEnv(env: NodeJS.ProcessEnv, agentEnv: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && agentEnv[name] !== value) out[name] = redactRedisUrl(value);
  }
  return out;
}

/** Gather the record of an attempt (the slow parts cached per agent). */
export async function gatherProvenance(input: ProvenanceInput): Promise<AttemptProvenance> {
  const { job, cwd, agentEnv } = input;
  const programDir = job.program ? dirname(resolve(cwd, job.program)) : cwd;
  const [git, python, host] = await Promise.all([gitState(programDir), pythonEnv(scriptInterpreter(input.argv, input.interpreter), agentEnv, cwd), hostInfo()]);
  const record: AttemptProvenance = {
    attempt: job.attempt,
    recordedAt: Date.now(),
    argv: input.argv.map(redactRedisUrl),
    cwd,
    program: job.program ?? null,
    env: hypersweepEnv(input.env, agentEnv),
    filesDir: input.filesDir,
    floats: job.floats ?? [],
    git,
    python,
    host: host.host,
    os: host.os,
    gpus: host.gpus,
    cudaVisibleDevices: input.env.CUDA_VISIBLE_DEVICES ?? null,
    hypersweepVersion: packageVersion,
    hypersweepDir: packageRoot,
    nodeVersion: process.version,
  };
  return scrubDeep(record, agentSecrets(agentEnv));
}

/** Records being gathered or written, so the agent can let them land before it disconnects. */
const pending = new Set<Promise<void>>();

/** Gather and write the record, in the background; never throws (a warning says why nothing was recorded). */
export function recordAttemptProvenance(input: ProvenanceInput): void {
  const written = gatherProvenance(input)
    .then((record) => writeAttemptProvenance(input.redis, input.job.sweepId, input.job.runId, record))
    .catch((err: unknown) => input.warn(`provenance not recorded: ${(err as Error).message}`))
    .finally(() => pending.delete(written));
  pending.add(written);
}

/** Resolves once every record in flight is written (or after `waitMs`): the agent calls it before it disconnects. */
export async function provenanceWritten(waitMs = 10_000): Promise<void> {
  if (pending.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(pending), new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]).finally(() => clearTimeout(timer));
}
