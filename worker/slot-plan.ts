/**
 * An agent's slots, planned from the GPUs it may use and the sweep's `gpus_per_run`. Pure.
 *
 * 1. The GPUs it may use: every GPU nvidia-smi lists, or, when the agent's own environment has
 *    CUDA_VISIBLE_DEVICES (a scheduler's grant: indices from Slurm, UUIDs from Kubernetes' device
 *    plugin), exactly those; `--gpus` narrows further and may not step outside them. Without
 *    nvidia-smi the grant (or `--gpus`) is taken on trust.
 * 2. gpus_per_run N (whole): floor(G / N) slots of N GPUs, neighbours in nvidia-smi's order (PCI
 *    bus order: GPUs on one switch or NUMA node are listed together); the rest are named idle.
 *    gpus_per_run 1/k: k slots per GPU, interleaved so that runs spread over GPUs first.
 * 3. A run sees its GPUs as CUDA_VISIBLE_DEVICES in the grant's own notation (a subset of it),
 *    CUDA_DEVICE_ORDER=PCI_BUS_ID, HYPERSWEEP_NUM_GPUS (and HYPERSWEEP_GPU_FRACTION on a shared GPU).
 * 4. `--slots N` gives N CPU slots and ignores gpus_per_run. A box without GPU gets one CPU slot,
 *    unless the sweep sets gpus_per_run: then the agent takes no run of it (`refusal` says why).
 */
import { HypersweepError } from '../src/errors.js';
import { gpuMatches, parseGrant, type GpuInfo, type Slot } from './gpu-slots.js';

export interface SlotRequest {
  /** `--gpus`: these GPUs only (indices or UUIDs). */
  gpus?: string[];
  /** `--slots N`: N CPU slots, no GPU assignment. */
  slots?: number;
  /** The agent's own CUDA_VISIBLE_DEVICES (unset: no grant). */
  visibleDevices?: string;
  /** The sweep's `hypersweep.gpus_per_run`. Unset: 1, and a box without GPU still gets a CPU slot. */
  gpusPerRun?: number;
}

export interface SlotPlan {
  /** [] exactly when `refusal` is set. */
  slots: Slot[];
  /** How the slots were chosen, for the agent's first log lines. */
  note: string;
  /** GPUs left over, e.g. `GPU 6 idle: gpus_per_run 2`. */
  idle: string[];
  /** Why this agent can take no run of the sweep. */
  refusal?: string;
}

/** A GPU the agent may use: `id` as its runs will see it, `label` for slot names and messages. */
interface UsableGpu {
  id: string;
  label: string;
  info?: GpuInfo;
}

function cpuSlots(n: number): Slot[] {
  return Array.from({ length: n }, (_, i) => ({ name: `cpu${i}`, gpus: [], env: { HYPERSWEEP_NUM_GPUS: '0' } }));
}

function gpuSlot(name: string, group: UsableGpu[], fraction?: number): Slot {
  const gpus = group.map((g) => g.id);
  const env: Record<string, string> = { CUDA_VISIBLE_DEVICES: gpus.join(','), CUDA_DEVICE_ORDER: 'PCI_BUS_ID', HYPERSWEEP_NUM_GPUS: String(gpus.length) };
  if (fraction !== undefined) env.HYPERSWEEP_GPU_FRACTION = String(fraction);
  return { name, gpus, env };
}

/** Step 1: the GPUs this agent may use, in nvidia-smi order, and where they come from. */
function usableGpus(request: SlotRequest, detected: GpuInfo[]): { pool: UsableGpu[]; source: string; notes: string[] } {
  const notes: string[] = [];
  const grant = parseGrant(request.visibleDevices);
  let pool: UsableGpu[];
  let source: string;
  if (grant === undefined) {
    pool = detected.map((info) => ({ id: String(info.index), label: String(info.index), info }));
    source = 'from nvidia-smi';
  } else if (detected.length === 0) {
    pool = grant.map((id, i) => ({ id, label: /^\d+$/.test(id) ? id : String(i) }));
    source = `from CUDA_VISIBLE_DEVICES=${request.visibleDevices} (nvidia-smi lists none)`;
  } else {
    pool = [];
    for (const info of detected) {
      const id = grant.find((g) => gpuMatches(g, info));
      if (id !== undefined) pool.push({ id, label: String(info.index), info });
    }
    const unknown = grant.filter((g) => !detected.some((info) => gpuMatches(g, info)));
    if (unknown.length > 0) notes.push(`CUDA_VISIBLE_DEVICES names ${unknown.join(',')}, which nvidia-smi does not list`);
    source = `from nvidia-smi within CUDA_VISIBLE_DEVICES=${request.visibleDevices}`;
  }
  if (request.gpus) {
    if (grant === undefined && detected.length === 0) {
      // Nothing to check against (no nvidia-smi): trust --gpus, as without a grant.
      return { pool: request.gpus.map((id, i) => ({ id, label: /^\d+$/.test(id) ? id : String(i) })), source: '(--gpus)', notes };
    }
    const matches = (id: string, g: UsableGpu) => id === g.id || (g.info !== undefined && gpuMatches(id, g.info));
    const outside = request.gpus.filter((id) => !pool.some((g) => matches(id, g)));
    if (outside.length > 0) {
      const allowed = pool.map((g) => g.id).join(',') || 'none';
      throw new HypersweepError(
        'BAD_REQUEST',
        grant === undefined
          ? `--gpus ${outside.join(',')}: nvidia-smi lists only ${allowed}`
          : `--gpus ${outside.join(',')}: outside the GPUs this agent was granted (CUDA_VISIBLE_DEVICES=${request.visibleDevices}; usable: ${allowed})`,
      );
    }
    pool = pool.filter((g) => request.gpus!.some((id) => matches(id, g)));
    source += ` (--gpus ${request.gpus.join(',')})`;
  }
  return { pool, source, notes };
}

/** The slots for a request and what nvidia-smi said; throws when `--gpus` names a GPU the agent may not use. */
export function planSlots(request: SlotRequest, detected: GpuInfo[]): SlotPlan {
  const per = request.gpusPerRun;
  if (request.slots !== undefined) {
    return { slots: cpuSlots(request.slots), note: `${request.slots} slot(s) (--slots)${per !== undefined ? `; gpus_per_run ${per} ignored` : ''}`, idle: [] };
  }
  const { pool, source, notes } = usableGpus(request, detected);
  const extra = notes.length > 0 ? `; ${notes.join('; ')}` : '';
  const gpusNote = `${pool.length} GPU(s) ${source}`;
  if (pool.length === 0 && per === undefined) return { slots: cpuSlots(1), note: `no GPU: one CPU slot${extra}`, idle: [] };
  const n = per ?? 1;
  if (pool.length < Math.max(1, n)) {
    const refusal = `gpus_per_run ${n} needs ${Math.max(1, n)} GPU(s) per run, but this agent may use ${pool.length} (${gpusNote}): it takes no run of this sweep`;
    return { slots: [], note: `${gpusNote}${extra}`, idle: [], refusal };
  }
  if (n >= 1) {
    const count = Math.floor(pool.length / n);
    const slots: Slot[] = [];
    for (let i = 0; i < count; i++) {
      const group = pool.slice(i * n, (i + 1) * n);
      slots.push(gpuSlot(`gpu${group.map((g) => g.label).join('+')}`, group));
    }
    const idle = pool.slice(count * n).map((g) => `GPU ${g.id} idle: gpus_per_run ${n}`);
    const shape = n === 1 ? '' : `: ${count} slot(s) of ${n} GPUs (gpus_per_run ${n})`;
    return { slots, note: `${gpusNote}${shape}${extra}`, idle };
  }
  const k = Math.round(1 / n);
  const slots: Slot[] = [];
  for (let share = 0; share < k; share++) for (const g of pool) slots.push(gpuSlot(`gpu${g.label}#${share}`, [g], n));
  return { slots, note: `${gpusNote}: ${slots.length} slot(s), ${k} per GPU (gpus_per_run ${n})${extra}`, idle: [] };
}
