/**
 * An agent's slots: one per GPU, or one CPU slot when the box has none.
 *
 * - GPUs come from `nvidia-smi --query-gpu=index,uuid,name,memory.total --format=csv,noheader`,
 *   narrowed by `--gpus 0,1,3` or, failing that, by the agent's own CUDA_VISIBLE_DEVICES (when it is
 *   a list of indices). A GPU slot's runs get CUDA_VISIBLE_DEVICES=<index> and
 *   CUDA_DEVICE_ORDER=PCI_BUS_ID, so CUDA numbers GPUs as nvidia-smi does.
 * - `--slots N` gives N CPU slots; no nvidia-smi, or no GPU, gives one. A CPU slot leaves
 *   CUDA_VISIBLE_DEVICES as the agent has it (unset or not): the runs share whatever the agent
 *   sees, which is what `--slots 2` on a one-GPU box asks for.
 */
import { execFile } from 'node:child_process';

export interface Slot {
  /** `gpu0`, `gpu3`, `cpu0`: shown in the agent hash and lease. */
  name: string;
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

/** `0,1,3` → [0, 1, 3]; throws on anything else. */
export function parseGpuList(text: string): number[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0 || items.some((s) => !/^\d+$/.test(s))) throw new Error(`expected GPU indices like 0,1,3 (got "${text}")`);
  return [...new Set(items.map(Number))];
}

export interface SlotRequest {
  /** `--gpus`: these indices only. */
  gpus?: number[];
  /** `--slots N`: N CPU slots, no GPU detection. */
  slots?: number;
  /** The agent's CUDA_VISIBLE_DEVICES. */
  visibleDevices?: string;
}

function gpuSlot(index: number): Slot {
  return { name: `gpu${index}`, env: { CUDA_VISIBLE_DEVICES: String(index), CUDA_DEVICE_ORDER: 'PCI_BUS_ID' } };
}

function cpuSlots(n: number): Slot[] {
  return Array.from({ length: n }, (_, i) => ({ name: `cpu${i}`, env: {} }));
}

/** Pure: the slots for a request and what nvidia-smi said. */
export function planSlots(request: SlotRequest, detected: GpuInfo[]): { slots: Slot[]; note: string } {
  if (request.slots !== undefined) return { slots: cpuSlots(request.slots), note: `${request.slots} slot(s) (--slots)` };
  if (request.gpus) {
    const known = new Set(detected.map((g) => g.index));
    const missing = request.gpus.filter((i) => detected.length > 0 && !known.has(i));
    if (missing.length > 0) throw new Error(`--gpus ${missing.join(',')}: nvidia-smi lists only ${[...known].join(',')}`);
    return { slots: request.gpus.map(gpuSlot), note: `GPUs ${request.gpus.join(',')} (--gpus)` };
  }
  let gpus = detected;
  let note = `${detected.length} GPU(s) from nvidia-smi`;
  if (request.visibleDevices !== undefined && /^\s*\d+(\s*,\s*\d+)*\s*$/.test(request.visibleDevices)) {
    const visible = new Set(parseGpuList(request.visibleDevices));
    gpus = detected.filter((g) => visible.has(g.index));
    note = `${gpus.length} GPU(s) from nvidia-smi within CUDA_VISIBLE_DEVICES=${request.visibleDevices}`;
  }
  if (gpus.length === 0) return { slots: cpuSlots(1), note: 'no GPU: one CPU slot' };
  return { slots: gpus.map((g) => gpuSlot(g.index)), note };
}
