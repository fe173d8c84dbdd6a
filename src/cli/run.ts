/** `hypersweep run FILE`: a whole sweep on this machine — Redis, controller, dashboard and agent in one process tree. */
import { InvalidArgumentError, type Command } from 'commander';
import { runLocalSweep } from '../local/local-sweep.js';

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run a whole sweep on this machine: private Redis, controller, dashboard and local agent; prints the best config')
    .argument('<file>', 'sweep file (YAML, or JSON for .json)')
    .option('--agents <n>', 'runs at once (default: one per GPU, else 1)', positiveInt('--agents'))
    .option('--resume', 'continue the last sweep of this file (after Ctrl-C) instead of starting a new one', false)
    .option('--port <port>', 'dashboard port (a free one if taken)', (v) => Number(v), 7070)
    .option('--out <file>', 'where to write the best config (default .hypersweep/best-<sweep>.yaml)')
    .option('--state-dir <dir>', 'where the private Redis keeps its data', '.hypersweep')
    .action(async (file: string, opts: { agents?: number; resume: boolean; port: number; out?: string; stateDir: string }) => {
      const handlers: Array<(count: number) => void> = [];
      let count = 0;
      const onSignal = (): void => {
        count++;
        for (const h of handlers) h(count);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const result = await runLocalSweep({
          file,
          agents: opts.agents,
          resume: opts.resume,
          port: opts.port,
          out: opts.out,
          stateDir: opts.stateDir,
          interrupts: { onInterrupt: (h) => handlers.push(h) },
        });
        process.exitCode = result.exitCode;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
