/** `hypersweep k8s SWEEP --parallelism N --image IMAGE`: print a Kubernetes Job of N agents (src/launch/k8s-job.ts). */
import { Command, InvalidArgumentError } from 'commander';
import { stringify } from 'yaml';
import { k8sJob } from '../launch/k8s-job.js';

function wholeNumber(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}`);
    return n;
  };
}

export function register(program: Command): void {
  program
    .command('k8s')
    .description('print a Kubernetes batch/v1 Job running N agents of a sweep (Redis URL from a Secret); apply it with kubectl apply -f -')
    .argument('<sweep-id>', 'the sweep the agents pull runs from')
    .requiredOption('--parallelism <n>', 'agents (pods) at once', wholeNumber('--parallelism', 1))
    .requiredOption('--image <image>', 'agent image (built from the Dockerfile: Node, Python, hypersweep)')
    .option('--gpus <g>', 'GPUs per agent (nvidia.com/gpu); 0 for CPU-only agents', wholeNumber('--gpus', 0), 1)
    .option('--namespace <ns>', 'namespace of the Job')
    .option('--redis-secret <name>', 'Secret whose key "url" holds the Redis URL', 'hypersweep-redis')
    .option('--cpu <c>', 'CPU request and limit per agent, e.g. 4')
    .option('--memory <m>', 'memory request and limit per agent, e.g. 16Gi')
    .option('--grace-sec <s>', "the agent's SIGTERM → SIGKILL grace for its runs; the pod's grace is this + 30 s", (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('--grace-sec must be a number >= 0');
      return n;
    }, 30)
    .action((sweepId: string, opts: { parallelism: number; image: string; gpus: number; namespace?: string; redisSecret: string; cpu?: string; memory?: string; graceSec: number }) => {
      const job = k8sJob({ sweepId, ...opts });
      process.stdout.write(`# hypersweep agents for sweep ${sweepId}: kubectl apply -f - (the Secret ${opts.redisSecret} must hold key "url")\n${stringify(job, { aliasDuplicateObjects: false })}`);
    });
}
