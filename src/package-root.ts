/** Where hypersweep is installed: the folder holding its package.json (from src/ under tsx, or dist/src/ after the build). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'hypersweep') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('hypersweep: cannot find its own package.json');
    dir = parent;
  }
}

export const packageRoot: string = findRoot();
export const packageVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
