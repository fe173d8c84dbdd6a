/**
 * What an agent knows about its GPUs: the slot shape runs execute on, the GPUs nvidia-smi lists,
 * and GPU ids as users and schedulers write them. Planning slots from these is worker/slot-plan.ts.
 *
 * - GPUs come from `nvidia-smi --query-gpu=index,uuid,name,memory.total --format=csv,noheader`,
 *   in nvidia-smi's order (PCI bus order, which CUDA follows under CUDA_DEVICE_ORDER=PCI_BUS_ID).
 * - A GPU id is an index (`3`) or a UUID (`GPU-5d0c…`, or `MIG-…`), the two notations
 *   CUDA_VISIBLE_DEVICES takes; Slurm writes indices, Kubernetes' device plugin UUIDs.
 */
import { execFile } from 'node:child_process';
import { HypersweepError } from '../src/errors.js';

export interface Slot {
  /** `gpu0`, `gpu0+1` (a run on two GPUs), `gpu0#1` (the second share of GPU 0), `cpu0`: shown in the agent hash and lease. */
  name: string;
  /** GPU ids a run on this slot sees, in the notation of the agent's grant; none for a CPU slot. */
  gpus?: string[];
  /** Variables a run on this slot gets (empty for a CPU slot). */
  env: Record<string, string>;
}

export interface GpuInfo {
  index: number;
  uuid: string;
  name: string;
  memoryMiB?: number;
}

export const NVIDIA_SMI_ARGS = ['--query-gpu=index,uuid,name,memory.total', '--format=csv,noheader'] as const;

/** Lines like `0, GPU-5d0c…, NVIDIA A100-SXM4-40GB, 40960 MiB`; malformed lines are skipped. */
export function parseNvidiaSmi(text: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of text.split('\n')) {
    const parts = line.split(',').map((p) => p.trim());
    if (parts.length < 3 || !/^\d+$/.test(parts[0]!)) continue;
    const memory = /^(\d+)\s*MiB$/i.exec(parts[3] ?? '');
    gpus.push({ index: Number(parts[0]), uuid: parts[1]!, name: parts[2]!, ...(memory ? { memoryMiB: Number(memory[1]) } : {}) });
  }
  return gpus;
}

/** The GPUs nvidia-smi lists; [] when it is missing, fails, or takes longer than `timeoutMs`. */
export async function queryGpus(timeoutMs = 10_000): Promise<{ gpus: GpuInfo[]; problem?: string }> {
  return await new Promise((resolve) => {
    execFile('nvidia-smi', [...NVIDIA_SMI_ARGS], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => {
      if (err) resolve({ gpus: [], problem: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'nvidia-smi not found' : `nvidia-smi failed: ${err.message.split('\n')[0]}` });
      else resolve({ gpus: parseNvidiaSmi(stdout) });
    });
  });
}

/** An index (`3`) or a GPU/MIG UUID (`GPU-5d0c…`): the forms CUDA_VISIBLE_DEVICES accepts. */
export const GPU_ID = /^(\d+|(GPU|MIG)-[0-9A-Za-z/-]+)$/;

/** `0,1,3` or `GPU-aaa,GPU-bbb` → the ids, deduplicated, in order; throws on anything else. */
export function parseGpuList(text: string): string[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = items.filter((s) => !GPU_ID.test(s));
  if (items.length === 0 || bad.length > 0) throw new HypersweepError('BAD_REQUEST', `expected GPU indices like 0,1,3 or UUIDs like GPU-5d0c…,GPU-81fe… (got "${text}")`);
  return [...new Set(items.map((s) => (/^\d+$/.test(s) ? String(Number(s)) : s)))];
}

/**
 * The GPUs a CUDA_VISIBLE_DEVICES value grants, as CUDA reads it: ids up to the first entry
 * that is not one (so `-1`, `NoDevFiles` and `` grant none). Undefined when the variable is unset.
 */
export function parseGrant(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const s = raw.trim();
    if (!GPU_ID.test(s)) break;
    const id = /^\d+$/.test(s) ? String(Number(s)) : s;
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/** Does id (an index or a UUID, or a unique UUID prefix as CUDA allows) name this GPU? */
export function gpuMatches(id: string, gpu: GpuInfo): boolean {
  return /^\d+$/.test(id) ? Number(id) === gpu.index : gpu.uuid === id || (id.length >= 8 && gpu.uuid.startsWith(id));
}
