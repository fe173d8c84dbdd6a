/**
 * `hypersweep k8s`, the Dockerfile and compose.yaml. The Job is validated against the Kubernetes
 * schema (kubernetes-models). Images cannot be built here (no base image can be pulled), so the
 * Dockerfile and compose.yaml are checked for what can be: they parse, copy what the package needs,
 * and every hypersweep command they (and the Job) run exists with the options they pass.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DockerfileParser } from 'dockerfile-ast';
import { Job } from 'kubernetes-models/batch/v1';
import { describe, expect, test } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { k8sJob, k8sJobName, type K8sJob } from '../../src/launch/k8s-job.js';
import { closeQueues, createSweep, enqueueRun, finishedEvent, readEvents, REPO, waitFor } from '../worker/agent-harness.js';
import { startRedis } from '../helpers/redis-server.js';

const TSX = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; files: string[] };

function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, ['--import', TSX, join(REPO, 'src/cli/main.ts'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `hypersweep CMD --help` lists every option `args` passes (flags starting --). */
function expectCommandTakes(argv: string[]): void {
  const [command, ...rest] = argv;
  const help = cli([command!, '--help']);
  expect(help.code, `hypersweep ${command} --help: ${help.stderr}`).toBe(0);
  for (const flag of rest.filter((a) => a.startsWith('--'))) expect(help.stdout, `hypersweep ${command} takes ${flag}`).toContain(flag.split('=')[0]);
}

function validate(job: K8sJob): void {
  new Job(job as unknown as ConstructorParameters<typeof Job>[0]).validate();
}

describe('the Job', () => {
  const job = k8sJob({ sweepId: 'smf3k2a0xyz', parallelism: 4, image: 'ghcr.io/acme/hypersweep:0.1.0', gpus: 2, namespace: 'ml', cpu: '8', memory: '32Gi' });
  const pod = (job.spec.template as { spec: Record<string, unknown> }).spec;
  const container = (pod.containers as Array<Record<string, unknown>>)[0]!;

  test('validates against the Kubernetes schema', () => {
    validate(job);
    validate(k8sJob({ sweepId: 'smf3k2a0xyz', parallelism: 1, image: 'hypersweep:0.1.0', gpus: 0 }));
    // The validator is not vacuous: a broken Job fails it.
    const broken = structuredClone(job);
    (broken.spec.template as { spec: Record<string, unknown> }).spec.restartPolicy = 'Sometimes';
    expect(() => validate(broken)).toThrow(/restartPolicy/);
    expect(() => validate({ ...job, spec: { ...job.spec, backoffLimit: 'eight' } })).toThrow(/backoffLimit/);
  });

  test('N agents of the sweep, GPU limits, the Redis URL from a Secret, a grace above the agent\'s', () => {
    expect(job.metadata).toMatchObject({ name: 'hypersweep-smf3k2a0xyz', namespace: 'ml' });
    expect(job.spec).toMatchObject({ parallelism: 4, backoffLimit: 8 });
    expect(job.spec.completions).toBeUndefined();
    expect(pod).toMatchObject({ restartPolicy: 'OnFailure', terminationGracePeriodSeconds: 60 });
    expect(container).toMatchObject({
      image: 'ghcr.io/acme/hypersweep:0.1.0',
      command: ['hypersweep'],
      args: ['agent', 'smf3k2a0xyz', '--grace-sec', '30', '--preempt-exit-code', '143'],
      resources: { limits: { 'nvidia.com/gpu': 2, cpu: '8', memory: '32Gi' }, requests: { cpu: '8', memory: '32Gi' } },
    });
    expect(container.env).toContainEqual({ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'hypersweep-redis', key: 'url' } } });
    const graceArg = Number((container.args as string[])[3]);
    expect(pod.terminationGracePeriodSeconds as number).toBeGreaterThan(graceArg);
    const cpuOnly = k8sJob({ sweepId: 's1', parallelism: 1, image: 'i', gpus: 0, redisSecret: 'my-redis', graceSec: 120 });
    const cpuPod = (cpuOnly.spec.template as { spec: { terminationGracePeriodSeconds: number; containers: Array<Record<string, unknown>> } }).spec;
    expect(cpuPod.containers[0]!.resources).toBeUndefined();
    expect(cpuPod.terminationGracePeriodSeconds).toBe(150);
    expect(JSON.stringify(cpuOnly)).toContain('"name":"my-redis"');
  });

  test('the command the pods run exists, with the options it passes', () => {
    expectCommandTakes([...(container.command as string[]).slice(1), ...(container.args as string[])]);
  }, 60_000);

  test("a pod's agent, run with exactly the Job's command, arguments and REDIS_URL: evicted (SIGTERM), its run ends preempted and it exits 143 so the Job replaces it", async () => {
    const redis = await startRedis();
    const agentEnv = { ...process.env, REDIS_URL: redis.url, CUDA_VISIBLE_DEVICES: undefined } as NodeJS.ProcessEnv;
    for (const e of container.env as Array<{ name: string; value?: string }>) if (e.value !== undefined) agentEnv[e.name] = e.value;
    const c = redis.client();
    const proc = spawn(process.execPath, ['--import', TSX, join(REPO, 'src/cli/main.ts'), ...(container.args as string[])], { env: agentEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    try {
      await createSweep(c, 'smf3k2a0xyz');
      await enqueueRun(c, redis.url, { sweepId: 'smf3k2a0xyz', runId: 'pod-run', command: ['python3', '-c', 'import time\nwhile True: time.sleep(0.05)'] });
      await waitFor('the run to start', async () => (await readEvents(c, 'smf3k2a0xyz', 'pod-run')).some((e) => e.type === 'started'), 30_000);
      proc.kill('SIGTERM');
      expect(await exited, stderr).toBe(143);
      expect((await finishedEvent(c, 'smf3k2a0xyz', 'pod-run'))?.outcome).toBe('preempted');
    } finally {
      proc.kill('SIGKILL');
      await closeQueues();
      await redis.stop();
    }
  }, 60_000);

  test('names fit Kubernetes: lower case, at most 63 characters', () => {
    expect(k8sJobName('SWEEP_A.b')).toBe('hypersweep-sweep-a-b');
    expect(k8sJobName('s'.repeat(100))).toHaveLength(63);
    validate(k8sJob({ sweepId: `A${'b'.repeat(98)}.`, parallelism: 2, image: 'i' }));
  });

  test.each([
    [{ parallelism: 0 }, /--parallelism 0: expected a whole number from 1/],
    [{ image: 'x y' }, /--image "x y": expected an image reference/],
    [{ namespace: 'ML_Team' }, /--namespace "ML_Team": expected a namespace name/],
    [{ cpu: 'four' }, /--cpu "four": expected a CPU quantity/],
    [{ memory: '16 GB' }, /--memory "16 GB": expected a memory quantity/],
    [{ redisSecret: 'Bad/Secret' }, /--redis-secret "Bad\/Secret": expected a Secret name/],
    [{ gpus: 1.5 }, /--gpus 1.5: expected a whole number/],
  ])('refuses %j', (bad, message) => {
    expect(() => k8sJob({ sweepId: 's1', parallelism: 1, image: 'i', ...bad })).toThrow(message);
  });

  test('the CLI prints one YAML document that validates, and no Redis URL it has in its environment', () => {
    const r = cli(['k8s', 'smf3k2a0xyz', '--parallelism', '3', '--image', 'hypersweep:0.1.0', '--gpus', '1', '--namespace', 'ml'], { ...process.env, REDIS_URL: 'redis://:hunter2-secret@10.0.0.5:6379' });
    expect(r.code, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.errors).toEqual([]);
    const printed = docs[0]!.toJS() as K8sJob;
    validate(printed);
    expect(printed.spec.parallelism).toBe(3);
    expect(r.stdout).not.toMatch(/hunter2|&a\d|\*a\d/);
    const bad = cli(['k8s', 'smf3k2a0xyz', '--parallelism', '3', '--image', 'hypersweep:0.1.0', '--cpu', 'lots']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--cpu "lots": expected a CPU quantity/);
  }, 60_000);
});

describe('Dockerfile', () => {
  const text = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
  const dockerfile = DockerfileParser.parse(text);
  const instructions = dockerfile.getInstructions();
  const args = (keyword: string) => instructions.filter((i) => i.getKeyword() === keyword).map((i) => i.getArguments().map((a) => a.getValue()));

  test('parses: Node 20 and Python 3, hypersweep as the entry point', () => {
    expect(instructions.length).toBeGreaterThan(5);
    expect(args('FROM')).toEqual([['node:20-bookworm-slim']]);
    expect(args('RUN').flat().join(' ')).toMatch(/apt-get install .*python3 /);
    const entry = instructions.find((i) => i.getKeyword() === 'ENTRYPOINT')!;
    expect(JSON.parse(entry.getArgumentsContent()!)).toEqual(['/usr/bin/tini', '--', 'hypersweep']);
    expect(Object.keys(pkg.bin)).toContain('hypersweep');
    expect(args('RUN').flat().join(' ')).toContain(`ln -s /opt/hypersweep/${pkg.bin.hypersweep!.replace(/^\.\//, '')} /usr/local/bin/hypersweep`);
  });

  test('copies what exists and everything the package ships (dist is built from src and worker)', () => {
    const copied = args('COPY').map((a) => a.slice(0, -1)).flat();
    for (const source of copied) expect(existsSync(join(REPO, source)), `COPY ${source}`).toBe(true);
    for (const shipped of pkg.files.filter((f) => f !== 'dist')) expect(copied).toContain(shipped);
    for (const built of ['src', 'worker', 'tsconfig.build.json', 'package-lock.json']) expect(copied).toContain(built);
    const ignored = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const source of copied) expect(ignored).not.toContain(source);
  });

  test('its default command and the server command of compose.yaml exist', () => {
    const cmd = instructions.find((i) => i.getKeyword() === 'CMD')!;
    expect(JSON.parse(cmd.getArgumentsContent()!)).toEqual(['--help']);
    expect(cli(['--help']).code).toBe(0);
  }, 60_000);
});

describe('compose.yaml', () => {
  const compose = parse(readFileSync(join(REPO, 'compose.yaml'), 'utf8')) as {
    services: Record<string, { image?: string; build?: string; command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, unknown>; volumes?: string[] }>;
    volumes: Record<string, unknown>;
  };

  test('Redis with an append-only file on a volume and a password', () => {
    const redis = compose.services.redis!;
    expect(redis.command?.[0]).toBe('redis-server');
    expect(redis.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(redis.command?.join(' ')).toMatch(/--requirepass \$\{REDIS_PASSWORD:\?/);
    expect(redis.volumes).toEqual(['redis-data:/data']);
    expect(Object.keys(compose.volumes)).toEqual(['redis-data']);
  });

  test('the server: built from this repository, a token (it listens beyond loopback), Redis with the password', () => {
    const server = compose.services.server!;
    expect(server.build).toBe('.');
    expect(server.image).toBe(`hypersweep:${pkg.version}`);
    expect(server.environment?.REDIS_URL).toBe('redis://:${REDIS_PASSWORD:?set REDIS_PASSWORD}@redis:6379');
    expect(server.environment?.HYPERSWEEP_TOKEN).toMatch(/^\$\{HYPERSWEEP_TOKEN:\?/);
    expect(server.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    expect(server.command).toEqual(['server', '--host', '0.0.0.0', '--port', '7070']);
    expectCommandTakes(server.command!);
  }, 60_000);
});
