/** Slot planning (worker/slot-plan.ts): gpus_per_run, shared GPUs, a scheduler's grant, --gpus, --slots. */
import { describe, expect, test } from 'vitest';
import { parseGpuList, parseGrant, parseNvidiaSmi, type GpuInfo, type Slot } from '../../worker/gpu-slots.js';
import { planSlots } from '../../worker/slot-plan.js';

const smi2 = '0, GPU-aaa, NVIDIA A100-SXM4-40GB, 40960 MiB\n1, GPU-bbb, NVIDIA A100-SXM4-40GB, 40960 MiB\n\nNo devices were found\n';
const uuid = (i: number) => `GPU-0f8a1c2e-1111-2222-3333-44445555666${i}`;
const eight: GpuInfo[] = Array.from({ length: 8 }, (_, i) => ({ index: i, uuid: uuid(i), name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 }));
const names = (slots: Slot[]) => slots.map((s) => s.name);
const visible = (slots: Slot[]) => slots.map((s) => s.env.CUDA_VISIBLE_DEVICES);

describe('one run per GPU (no gpus_per_run), as before', () => {
  test('every GPU; --gpus; CUDA_VISIBLE_DEVICES; --slots; none → one CPU slot', () => {
    const gpus = parseNvidiaSmi(smi2);
    expect(planSlots({}, gpus).slots).toEqual([
      { name: 'gpu0', gpus: ['0'], env: { CUDA_VISIBLE_DEVICES: '0', CUDA_DEVICE_ORDER: 'PCI_BUS_ID', HYPERSWEEP_NUM_GPUS: '1' } },
      { name: 'gpu1', gpus: ['1'], env: { CUDA_VISIBLE_DEVICES: '1', CUDA_DEVICE_ORDER: 'PCI_BUS_ID', HYPERSWEEP_NUM_GPUS: '1' } },
    ]);
    expect(planSlots({}, gpus).note).toBe('2 GPU(s) from nvidia-smi');
    expect(names(planSlots({ gpus: ['1'] }, gpus).slots)).toEqual(['gpu1']);
    expect(() => planSlots({ gpus: ['5'] }, gpus)).toThrow(/--gpus 5: nvidia-smi lists only 0,1/);
    expect(names(planSlots({ visibleDevices: '1' }, gpus).slots)).toEqual(['gpu1']);
    expect(planSlots({ slots: 3 }, gpus).slots).toEqual([0, 1, 2].map((i) => ({ name: `cpu${i}`, gpus: [], env: { HYPERSWEEP_NUM_GPUS: '0' } })));
    expect(planSlots({}, []).slots).toEqual([{ name: 'cpu0', gpus: [], env: { HYPERSWEEP_NUM_GPUS: '0' } }]);
    expect(planSlots({}, []).refusal).toBeUndefined();
  });
  test('parseGpuList takes indices or UUIDs and refuses anything else', () => {
    expect(parseGpuList('0, 1,3,3,03')).toEqual(['0', '1', '3']);
    expect(parseGpuList('GPU-aaa,GPU-bbb')).toEqual(['GPU-aaa', 'GPU-bbb']);
    expect(() => parseGpuList('0,a')).toThrow(/GPU indices like 0,1,3 or UUIDs/);
    expect(() => parseGpuList('')).toThrow(/GPU indices/);
  });
  test('parseGrant reads CUDA_VISIBLE_DEVICES as CUDA does: up to the first entry that is no GPU id', () => {
    expect(parseGrant(undefined)).toBeUndefined();
    expect(parseGrant('')).toEqual([]);
    expect(parseGrant('-1')).toEqual([]);
    expect(parseGrant('NoDevFiles')).toEqual([]);
    expect(parseGrant('2,5')).toEqual(['2', '5']);
    expect(parseGrant('2,-1,5')).toEqual(['2']);
    expect(parseGrant(`${uuid(3)},${uuid(6)}`)).toEqual([uuid(3), uuid(6)]);
  });
});

describe('gpus_per_run N: floor(G/N) slots of N neighbouring GPUs', () => {
  test('8 GPUs, 2 per run: 4 slots 0+1 … 6+7, never sharing a GPU', () => {
    const plan = planSlots({ gpusPerRun: 2 }, eight);
    expect(names(plan.slots)).toEqual(['gpu0+1', 'gpu2+3', 'gpu4+5', 'gpu6+7']);
    expect(visible(plan.slots)).toEqual(['0,1', '2,3', '4,5', '6,7']);
    expect(plan.slots.every((s) => s.env.HYPERSWEEP_NUM_GPUS === '2' && s.env.CUDA_DEVICE_ORDER === 'PCI_BUS_ID')).toBe(true);
    expect(plan.idle).toEqual([]);
    expect(plan.note).toBe('8 GPU(s) from nvidia-smi: 4 slot(s) of 2 GPUs (gpus_per_run 2)');
  });
  test('7 GPUs, 2 per run: GPU 6 is named idle; 8 GPUs, 3 per run: 6 and 7', () => {
    expect(planSlots({ gpusPerRun: 2 }, eight.slice(0, 7)).idle).toEqual(['GPU 6 idle: gpus_per_run 2']);
    const three = planSlots({ gpusPerRun: 3 }, eight);
    expect(visible(three.slots)).toEqual(['0,1,2', '3,4,5']);
    expect(three.idle).toEqual(['GPU 6 idle: gpus_per_run 3', 'GPU 7 idle: gpus_per_run 3']);
  });
  test('fewer GPUs than N: no slot, and a refusal that says why', () => {
    const plan = planSlots({ gpusPerRun: 4 }, eight.slice(0, 3));
    expect(plan.slots).toEqual([]);
    expect(plan.refusal).toMatch(/gpus_per_run 4 needs 4 GPU\(s\) per run, but this agent may use 3 .*takes no run of this sweep/);
    expect(planSlots({ gpusPerRun: 1 }, []).refusal).toMatch(/may use 0/);
    expect(planSlots({ gpusPerRun: 0.5 }, []).refusal).toMatch(/gpus_per_run 0.5 needs 1 GPU\(s\)/);
  });
  test('--slots ignores gpus_per_run', () => {
    const plan = planSlots({ slots: 2, gpusPerRun: 4 }, eight);
    expect(names(plan.slots)).toEqual(['cpu0', 'cpu1']);
    expect(plan.note).toMatch(/gpus_per_run 4 ignored/);
  });
});

describe('gpus_per_run 1/k: k runs share each GPU', () => {
  test('8 GPUs at 0.5: 16 slots, two per GPU, spread over GPUs first', () => {
    const plan = planSlots({ gpusPerRun: 0.5 }, eight);
    expect(plan.slots).toHaveLength(16);
    expect(names(plan.slots).slice(0, 9)).toEqual(['gpu0#0', 'gpu1#0', 'gpu2#0', 'gpu3#0', 'gpu4#0', 'gpu5#0', 'gpu6#0', 'gpu7#0', 'gpu0#1']);
    const perGpu = new Map<string, number>();
    for (const s of plan.slots) perGpu.set(s.env.CUDA_VISIBLE_DEVICES!, (perGpu.get(s.env.CUDA_VISIBLE_DEVICES!) ?? 0) + 1);
    expect([...perGpu.values()]).toEqual(Array(8).fill(2));
    expect(plan.slots.every((s) => s.env.HYPERSWEEP_GPU_FRACTION === '0.5' && s.env.HYPERSWEEP_NUM_GPUS === '1')).toBe(true);
  });
  test('0.25 on 2 GPUs: 8 slots', () => {
    expect(planSlots({ gpusPerRun: 0.25 }, eight.slice(0, 2)).slots).toHaveLength(8);
  });
});

describe("a scheduler's grant (the agent's CUDA_VISIBLE_DEVICES)", () => {
  test('indices 2,5: only GPUs 2 and 5, in index notation', () => {
    const plan = planSlots({ visibleDevices: '2,5' }, eight);
    expect(visible(plan.slots)).toEqual(['2', '5']);
    expect(plan.note).toBe('2 GPU(s) from nvidia-smi within CUDA_VISIBLE_DEVICES=2,5');
    expect(visible(planSlots({ visibleDevices: '2,5', gpusPerRun: 2 }, eight).slots)).toEqual(['2,5']);
    expect(visible(planSlots({ visibleDevices: '5,2', gpusPerRun: 0.5 }, eight).slots)).toEqual(['2', '5', '2', '5']);
  });
  test('UUIDs: the runs see UUIDs too, a subset of the grant', () => {
    const grant = `${uuid(6)},${uuid(3)}`;
    const plan = planSlots({ visibleDevices: grant }, eight);
    expect(names(plan.slots)).toEqual(['gpu3', 'gpu6']);
    expect(visible(plan.slots)).toEqual([uuid(3), uuid(6)]);
    expect(visible(planSlots({ visibleDevices: grant, gpusPerRun: 2 }, eight).slots)).toEqual([`${uuid(3)},${uuid(6)}`]);
  });
  test('--gpus narrows the grant, in either notation; outside it is an error', () => {
    expect(visible(planSlots({ visibleDevices: '2,5', gpus: ['5'] }, eight).slots)).toEqual(['5']);
    expect(visible(planSlots({ visibleDevices: `${uuid(3)},${uuid(6)}`, gpus: ['6'] }, eight).slots)).toEqual([uuid(6)]);
    expect(() => planSlots({ visibleDevices: '2,5', gpus: ['3'] }, eight)).toThrow(/--gpus 3: outside the GPUs this agent was granted \(CUDA_VISIBLE_DEVICES=2,5; usable: 2,5\)/);
  });
  test('a grant naming a GPU nvidia-smi does not list: that GPU is dropped, and the note says so', () => {
    const plan = planSlots({ visibleDevices: '2,9' }, eight);
    expect(visible(plan.slots)).toEqual(['2']);
    expect(plan.note).toMatch(/CUDA_VISIBLE_DEVICES names 9, which nvidia-smi does not list/);
  });
  test('no nvidia-smi: the grant is taken on trust; an empty grant hides every GPU', () => {
    expect(visible(planSlots({ visibleDevices: `${uuid(1)},${uuid(2)}` }, []).slots)).toEqual([uuid(1), uuid(2)]);
    expect(names(planSlots({ visibleDevices: '' }, eight).slots)).toEqual(['cpu0']);
    expect(planSlots({ visibleDevices: '-1', gpusPerRun: 1 }, eight).refusal).toMatch(/may use 0/);
  });
});
