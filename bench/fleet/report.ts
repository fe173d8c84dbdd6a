/** The fleet bench's table and JSON line, with the targets checked. */
import type { AgentFigures, LoadFigures } from './agent-phase.js';
import type { BigSweepFigures } from './big-sweep.js';
import type { MemoryFigures } from './memory-phase.js';

export interface FleetReport {
  sizes: Array<{ agents: number; processes: number; ours: AgentFigures; bare?: LoadFigures; loadAverage: number[] }>;
  memory?: MemoryFigures;
  /** The same with a 6-parameter config (past Redis's 64 B listpack limit for a hash value). */
  memoryRealistic?: MemoryFigures;
  multi?: AgentFigures & { agents: number; sweeps: number; loadAverage: number[] };
  big?: BigSweepFigures;
  loadAtStart: number[];
  loadAtEnd: number[];
  cores: number;
}

const pad = (s: unknown, n: number) => String(s).padStart(n);

export function printTable(r: FleetReport): void {
  console.log('ratio: our runs/s ÷ the bare pool\'s (wall; on a loaded machine it measures the queue for a core); cpu ratio: the bare pool\'s CPU per run ÷ ours (fleet processes + controller + Redis; the spawned commands not counted) = the runs/s ratio where CPU is the limit');
  console.log(`fleet benchmark: one redis-server (appendfsync everysec), ${r.cores} cores, load average ${r.loadAtStart.join(' ')} at start, ${r.loadAtEnd.join(' ')} at end`);
  console.log('agents  who    runs   runs/s  ratio  p50 ms  p99 ms  redis%  ops/s  ctl ms/run  clients  idle ops/s  idle redis%  idle ctl%  fleet ms/run (kernel)  cpu ms/run  cpu ratio  rss MB/proc');
  for (const s of r.sizes) {
    const ratio = s.bare ? Math.round((s.ours.runsPerSec / s.bare.runsPerSec) * 100) / 100 : NaN;
    const cpuRatio = s.bare ? Math.round((s.bare.totalCpuMsPerRun / s.ours.totalCpuMsPerRun) * 100) / 100 : NaN;
    const row = (who: string, f: LoadFigures, ctl: string, idleCtl: string, rat: string, cpuRat: string) =>
      console.log(`${pad(s.agents, 6)}  ${who.padEnd(5)}${pad(f.runs, 6)}${pad(f.runsPerSec, 9)}${pad(rat, 7)}${pad(f.jobToStartP50, 8)}${pad(f.jobToStartP99, 8)}${pad(f.redisCpuPct, 8)}${pad(f.redisOpsPerSec, 7)}${pad(ctl, 12)}${pad(f.clientsPeak, 9)}${pad(f.idleRedisOpsPerSec, 12)}${pad(f.idleRedisCpuPct, 13)}${pad(idleCtl, 11)}${pad(f.fleetCpuMsPerRun, 14)}${pad(`(${f.fleetSystemCpuMsPerRun})`, 9)}${pad(f.totalCpuMsPerRun, 12)}${pad(cpuRat, 11)}${pad(f.fleetRssMbPerProcess, 13)}`);
    row('ours', s.ours, String(s.ours.controllerCpuMsPerRun), String(s.ours.idleControllerCpuPct), String(ratio), String(cpuRatio));
    if (s.bare) row('bare', s.bare, '', '', '', '');
    console.log(`        ours: of the fleet's ${s.ours.fleetCpuMsPerRun} ms per run, the sentinels that start the scripts ${s.ours.sentinelCpuMsPerRun} ms`);
    for (const [who, f] of [['ours', s.ours], ['bare', s.bare]] as const) {
      if (f && (!f.problems.startsWith('0 warnings, 0 errors') || f.failedRuns > 0)) console.log(`        ${who}: ${f.failedRuns} failed runs; ${f.problems}`);
    }
  }
  if (r.multi) {
    const m = r.multi;
    console.log(`${m.sweeps} sweeps at once, ${m.agents} agents: ${m.runs} runs in ${m.seconds} s = ${m.runsPerSec} runs/s, job→start p50 ${m.jobToStartP50} / p99 ${m.jobToStartP99} ms, controller ${m.controllerCpuMsPerRun} ms CPU/run, Redis ${m.redisCpuPct}% of a core; idle: controller ${m.idleControllerCpuPct}%, Redis ${m.idleRedisCpuPct}% (${m.idleRedisOpsPerSec} ops/s)${m.failedRuns ? `; ${m.failedRuns} failed` : ''}`);
  }
  for (const [label, m] of [['1 parameter', r.memory], ['6 parameters', r.memoryRealistic]] as const) {
    if (!m) continue;
    console.log(`Redis per run, ${label} (${m.runs} runs, ${m.pointsPerRun} points + summary each): ${m.bytesPerRun} B/run + ${m.bytesPerPoint} B/point (used_memory delta ${m.usedMemoryDeltaPerRun} B/run all in)`);
    console.log(`  by key: ${m.perRunByKind.map((k) => `${k.kind} ${k.bytesPerRun}`).join(', ')}`);
  }
  if (r.big) {
    const b = r.big;
    console.log(`${b.runs} runs in one sweep (store-made, not executed): a new controller leads it in ${b.leadSec} s, RSS ${b.controllerRssBeforeMb} → ${b.controllerRssAfterMb} MB (heap ${b.controllerHeapAfterMb} MB); Redis ${b.redisBytesPerRun} B/run (finished, a summary, no history)`);
  }
  const top = r.sizes.at(-1);
  const ratio = top?.bare ? top.ours.runsPerSec / top.bare.runsPerSec : undefined;
  const cpuRatio = top?.bare ? top.bare.totalCpuMsPerRun / top.ours.totalCpuMsPerRun : undefined;
  const pass = {
    ratio: ratio === undefined ? null : ratio >= 0.5,
    idle: top ? top.ours.idleRedisCpuPct < 10 : null,
    memory: r.memory ? r.memory.bytesPerRun <= 2048 && r.memory.bytesPerPoint <= 60 : null,
    memoryRealistic: r.memoryRealistic ? r.memoryRealistic.bytesPerRun <= 2048 && r.memoryRealistic.bytesPerPoint <= 60 : null,
  };
  console.log(JSON.stringify({ bench: 'fleet', ...r, ratioAtLargest: ratio === undefined ? null : Math.round(ratio * 100) / 100, cpuRatioAtLargest: cpuRatio === undefined ? null : Math.round(cpuRatio * 100) / 100, targets: { ratio: 0.5, idleRedisCpuPct: 10, bytesPerRun: 2048, bytesPerPoint: 60 }, pass }));
}
