/** The host an attempt ran on: name, OS and distribution, GPUs and driver (nvidia-smi); asked once per process. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { arch, hostname, release, type } from 'node:os';
import type { GpuInfo } from '../src/store/run-provenance.js';

export interface HostInfo {
  host: string;
  os: string;
  gpus: GpuInfo[];
}

async function distribution(): Promise<string | undefined> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
  return m?.[1];
}

function nvidiaGpus(): Promise<GpuInfo[]> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], { encoding: 'utf8', timeout: 15_000, windowsHide: true }, (err, stdout) => {
      if (err) return resolve([]);
      resolve(
        stdout
          .split('\n')
          .map((line) => line.split(',').map((s) => s.trim()))
          .filter(([name]) => name)
          .map(([name, driver]) => ({ name: name!, driver: driver ?? '' })),
      );
    });
  });
}

let cached: Promise<HostInfo> | undefined;

export function hostInfo(): Promise<HostInfo> {
  cached ??= Promise.all([distribution(), nvidiaGpus()]).then(([distro, gpus]) => ({
    host: hostname(),
    os: `${type()} ${release()} ${arch()}${distro ? ` (${distro})` : ''}`,
    gpus,
  }));
  return cached;
}
