/**
 * Several objectives (`metrics:`): every scored run's value per metric, Pareto members marked,
 * for the dashboard's Pareto view. (The Pareto set itself is GET /sweeps/:id/best.)
 */
import type { Router } from 'express';
import type { RedisClient } from '../store/redis-client.js';
import { objectivePoints } from '../metrics/objective-points.js';
import { objectivesOf } from '../metrics/objectives.js';
import { readRunRecords } from '../store/run-records.js';
import { getSweepConfig } from '../store/sweep-store.js';

export function objectiveRoutes(api: Router, redis: RedisClient): void {
  api.get('/sweeps/:id/objectives', async (req, res) => {
    const config = await getSweepConfig(redis, req.params.id);
    const metrics = objectivesOf(config);
    const points = metrics.length > 0 ? objectivePoints(await readRunRecords(redis, req.params.id), metrics) : [];
    res.json({ metrics: metrics.map((m) => ({ name: m.name, goal: m.goal })), runs: points });
  });
}
