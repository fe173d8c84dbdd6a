/**
 * The `hypersweep` command. Each subcommand lives in its own file under src/cli/ and exports
 * `register(program)`; this file only assembles them. Commands exit 0 on success, 1 on a
 * user error (the message says what to fix), 2 on a usage error (commander).
 */
import { Command } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HypersweepError } from '../errors.js';
import { packageVersion } from '../package-root.js';

/** Subcommand modules, in the order `--help` lists them. */
const commands: Array<() => Promise<{ register: (program: Command) => void }>> = [
  () => import('./run.js'),
  () => import('./validate.js'),
  () => import('./suggest.js'),
  () => import('./stop-check.js'),
  () => import('./server.js'),
  () => import('./sweep.js'),
  () => import('./agent.js'),
  () => import('./slurm.js'),
  () => import('./k8s.js'),
  () => import('./ls.js'),
  () => import('./status.js'),
  () => import('./best.js'),
  () => import('./control.js'),
  () => import('./logs.js'),
  () => import('./enqueue.js'),
  () => import('./update.js'),
  () => import('./export.js'),
  () => import('./import.js'),
  () => import('./rm.js'),
  () => import('./reproduce.js'),
];

export async function main(argv: string[]): Promise<void> {
  const program = new Command('hypersweep')
    .description('Self-hosted hyperparameter sweeps: W&B sweep files, grid/random/Bayesian search, early termination.')
    .version(packageVersion)
    .showHelpAfterError();
  for (const load of commands) (await load()).register(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof HypersweepError) {
      console.error(err.message);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv).catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  });
}
