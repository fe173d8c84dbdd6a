/**
 * `hypersweep k8s`: a batch/v1 Job whose pods are a sweep's agents. Pure: returns the manifest.
 *
 * - A work-queue Job: `parallelism` agents and no `completions`; each agent exits 0 once the sweep
 *   is finished, which completes the Job.
 * - GPUs as `nvidia.com/gpu` limits: the device plugin gives each pod its own GPUs and nvidia-smi in
 *   the pod lists exactly those (the agent also honours CUDA_VISIBLE_DEVICES when it is set).
 * - The Redis URL comes from a Secret (key `url`), never from the manifest.
 * - `terminationGracePeriodSeconds` = the agent's grace + a margin, so a pod being evicted or
 *   deleted lets its runs end `preempted` (queued again) before the kubelet's SIGKILL.
 * - `restartPolicy: OnFailure` restarts an agent that crashed in place; `backoffLimit` bounds
 *   the restarts of agents that keep failing (a broken image, a wrong Secret). An agent stopped by
 *   SIGTERM exits 143, not 0: in a work-queue Job one pod's success means "no more work".
 */
import { checkSweepId, checkToken, launchError } from './launch-values.js';

export interface K8sJobOptions {
  sweepId: string;
  /** Agents (pods) at once. */
  parallelism: number;
  /** Image with Node, Python and hypersweep (the repository's Dockerfile). */
  image: string;
  /** GPUs per agent (`nvidia.com/gpu` limit); 0 for CPU-only agents. @defaultValue 1 */
  gpus?: number;
  namespace?: string;
  /** Secret holding the Redis URL under the key `url`. @defaultValue hypersweep-redis */
  redisSecret?: string;
  /** CPU request and limit per agent, e.g. `4` or `500m`. */
  cpu?: string;
  /** Memory request and limit per agent, e.g. `16Gi`. */
  memory?: string;
  /** The agent's SIGTERM → SIGKILL grace for its runs (`--grace-sec`). @defaultValue 30 */
  graceSec?: number;
}

/** Seconds the kubelet waits after SIGTERM beyond the agent's grace: time to report and exit. */
export const TERMINATION_MARGIN_SEC = 30;

/** A Kubernetes object name (RFC 1123 label, which also fits a Job's pod labels). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** `hypersweep-<sweep id>` lower-cased, cut to 63 characters. */
export function k8sJobName(sweepId: string): string {
  return `hypersweep-${sweepId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63).replace(/-+$/, '');
}

export interface K8sJob {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

export function k8sJob(o: K8sJobOptions): K8sJob {
  const sweepId = checkSweepId(o.sweepId);
  if (!Number.isInteger(o.parallelism) || o.parallelism < 1 || o.parallelism > 10_000) throw launchError(`--parallelism ${o.parallelism}: expected a whole number from 1 to 10000`);
  const gpus = o.gpus ?? 1;
  if (!Number.isInteger(gpus) || gpus < 0 || gpus > 64) throw launchError(`--gpus ${gpus}: expected a whole number from 0 to 64`);
  const graceSec = o.graceSec ?? 30;
  if (!(graceSec >= 0 && graceSec <= 3600)) throw launchError(`--grace-sec ${graceSec}: expected seconds from 0 to 3600`);
  const image = checkToken('--image', o.image, /^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,254}$/, 'an image reference like ghcr.io/you/hypersweep:0.1.0');
  if (o.namespace !== undefined) checkToken('--namespace', o.namespace, DNS_LABEL, 'a namespace name (lower-case letters, digits, -)');
  const secret = checkToken('--redis-secret', o.redisSecret ?? 'hypersweep-redis', /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a Secret name (lower-case letters, digits, - .)');
  const quantity = /^\d+(\.\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
  const cpu = o.cpu === undefined ? undefined : checkToken('--cpu', o.cpu, quantity, 'a CPU quantity like 4 or 500m');
  const memory = o.memory === undefined ? undefined : checkToken('--memory', o.memory, quantity, 'a memory quantity like 16Gi');

  const labels = { 'app.kubernetes.io/name': 'hypersweep', 'app.kubernetes.io/component': 'agent', 'hypersweep.dev/sweep': sweepId.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '') };
  const limits: Record<string, string | number> = {};
  const requests: Record<string, string> = {};
  if (gpus > 0) limits['nvidia.com/gpu'] = gpus;
  if (cpu) limits.cpu = requests.cpu = cpu;
  if (memory) limits.memory = requests.memory = memory;
  const container = {
    name: 'agent',
    image,
    command: ['hypersweep'],
    // 143 after SIGTERM: a pod evicted mid-sweep counts as failed, so the Job replaces it (exit 0 would read as "queue done").
    args: ['agent', sweepId, '--grace-sec', String(graceSec), '--preempt-exit-code', '143'],
    env: [
      { name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: secret, key: 'url' } } },
      { name: 'PYTHONUNBUFFERED', value: '1' },
    ],
    ...(Object.keys(limits).length + Object.keys(requests).length > 0 ? { resources: { ...(Object.keys(limits).length > 0 ? { limits } : {}), ...(Object.keys(requests).length > 0 ? { requests } : {}) } } : {}),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: k8sJobName(sweepId), ...(o.namespace ? { namespace: o.namespace } : {}), labels },
    spec: {
      parallelism: o.parallelism,
      // No completions: a work queue. The Job is complete when an agent exits 0 (sweep finished) and all have ended.
      backoffLimit: Math.max(6, 2 * o.parallelism),
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'OnFailure',
          terminationGracePeriodSeconds: Math.ceil(graceSec) + TERMINATION_MARGIN_SEC,
          containers: [container],
        },
      },
    },
  };
}
