/**
 * The fault suite's workload: a grid sweep and a random sweep of a short Python script that
 * appends start / beat / end records to its host's file (CHAOS_HOST_FILE), outside hypersweep,
 * and reports a metric point per step. Records carry the host's uptime from /proc/uptime
 * (10 ms steps): a file read, so faketime (which skews an agent's clocks and, through
 * LD_PRELOAD, its scripts') cannot move it, and one kernel's uptime is the same in every
 * network namespace.
 */
export const STEPS = 5;

export const SCRIPT = `
import json, os, time
f = open(os.environ["CHAOS_HOST_FILE"], "a", buffering=1)
run, att = os.environ["HYPERSWEEP_RUN_ID"], os.environ["HYPERSWEEP_ATTEMPT"]
def now(): return float(open("/proc/uptime").read().split()[0])
def rec(kind): f.write("%s %s %s %.2f\\n" % (run, att, kind, now()))
cfg = json.load(open(os.environ["HYPERSWEEP_PARAMS_FILE"]))
rec("start")
for step in range(${STEPS}):
    time.sleep(1.0)
    rec("beat")
    print("@hypersweep " + json.dumps({"_step": step, "loss": float(cfg["x"]) / (step + 1)}), flush=True)
rec("end")
`;

export interface Workload {
  grid: string;
  gridSize: number;
  rand: string;
  runCap: number;
}

/** Wait until the API answers /healthz. */
export async function waitForApi(api: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${api}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // starting
    }
    if (Date.now() > deadline) throw new Error(`the controller at ${api} did not start within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The two sweeps, sized to about what six slots do in the fault window (so faults hit running
 * runs throughout): `runsPerMinute` × minutes runs, 9/13 of them grid points.
 */
export async function createWorkload(api: string, headers: Record<string, string>, program: string, minutes: number, runsPerMinute: number): Promise<Workload> {
  const create = async (yaml: string) => {
    const res = await fetch(`${api}/api/sweeps`, { method: 'POST', body: yaml, headers: { ...headers, 'content-type': 'text/yaml' } });
    if (res.status !== 201) throw new Error(`sweep not created: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  const gridSize = Math.max(8, Math.round(((runsPerMinute * 9) / 13) * minutes));
  const runCap = Math.max(4, Math.round(((runsPerMinute * 4) / 13) * minutes));
  const common = `metric: {name: loss, goal: minimize}\nprogram: ${program}\nhypersweep: {max_attempts: 50}\n`;
  const grid = await create(`method: grid\n${common}parameters:\n  x: {values: [${Array.from({ length: gridSize }, (_, i) => i + 1).join(', ')}]}\n`);
  const rand = await create(`method: random\nrun_cap: ${runCap}\n${common}parameters:\n  x: {min: 1.0, max: 10.0}\n`);
  return { grid, gridSize, rand, runCap };
}
