/**
 * Editing a running (or finished) sweep: `PUT /sweeps/:id` with a new version of the sweep
 * file (bounds, values, parameters, run_cap, early_terminate, command), and
 * `GET /sweeps/:id/versions` (each version with its differences from the one before, version-diff.ts). Changing `method` or the metric(s) is refused: runs scored under
 * one goal mean nothing under another, so that is a new sweep with `--prior`.
 */
import express, { type Router } from 'express';
import type { RedisClient } from '../store/redis-client.js';
import { parseSweepConfig } from '../config/parse-sweep-config.js';
import type { SweepConfig } from '../config/types.js';
import { defaultOutsideSpace } from '../space/config-in-space.js';
import { HypersweepError } from '../errors.js';
import { objectivesOf } from '../metrics/objectives.js';
import { wakeController, wakeSweep } from '../store/sweep-signals.js';
import { getSweep } from '../store/sweep-store.js';
import { readSweepVersions, updateSweepConfig, type SweepVersion } from '../store/sweep-versions.js';
import { STATE_CHANGING_TYPES } from './cross-site-guard.js';
import { versionDiff, type VersionDiff } from './version-diff.js';

const BODY_LIMIT = '1mb';

function objectives(config: SweepConfig): string {
  return objectivesOf(config).map((m) => `${m.name} (${m.goal})`).join(', ') || 'none';
}

export function updateRoutes(api: Router, redis: RedisClient): void {
  api.put('/sweeps/:id', express.text({ type: STATE_CHANGING_TYPES as string[], limit: BODY_LIMIT }), async (req, res) => {
    if (typeof req.body !== 'string') throw new HypersweepError('BAD_REQUEST', `send the new sweep file as the body, with content-type ${STATE_CHANGING_TYPES.join(', ')}`);
    const isJson = req.is('application/json') === 'application/json';
    const config = parseSweepConfig(req.body, { file: isJson ? 'request.json' : 'request.yaml' });
    const badDefault = defaultOutsideSpace(config.parameters);
    if (badDefault) throw new HypersweepError('BAD_REQUEST', badDefault);
    const sweep = await getSweep(redis, req.params.id);
    const hint = `create a new sweep with --prior ${sweep.id} instead`;
    if (config.method !== sweep.config.method) throw new HypersweepError('BAD_REQUEST', `method cannot change (${sweep.config.method} → ${config.method}); ${hint}`);
    if (objectives(config) !== objectives(sweep.config)) throw new HypersweepError('BAD_REQUEST', `metric cannot change (${objectives(sweep.config)} → ${objectives(config)}); ${hint}`);
    const version = await updateSweepConfig(redis, sweep.id, config, req.body);
    await wakeSweep(redis, sweep.id);
    await wakeController(redis, 'sweep', sweep.id);
    res.json({ ...(await getSweep(redis, sweep.id)), version });
  });

  api.get('/sweeps/:id/versions', async (req, res) => {
    res.json({ versions: withChanges(await readSweepVersions(redis, req.params.id)) });
  });
}

/** Each version with its differences from the one before (`changes`; null for the first, or a source that no longer parses). */
function withChanges(versions: readonly SweepVersion[]): Array<SweepVersion & { changes: VersionDiff | null }> {
  const configs = versions.map((v) => {
    try {
      return parseSweepConfig(v.source, { file: `version ${v.version}` });
    } catch {
      return undefined;
    }
  });
  return versions.map((v, i) => {
    const before = configs[i - 1];
    const after = configs[i];
    return { ...v, changes: before && after ? versionDiff(before, after) : null };
  });
}
