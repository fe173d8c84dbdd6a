/** Route ids become parts of Redis keys: anything not shaped like an id is simply not found. */
import type { Router } from 'express';
import { NotFoundError } from '../errors.js';

export function checkIdParams(router: Router): void {
  router.param('id', (_req, _res, next, id: string) => next(/^s[0-9a-z]{1,40}$/.test(id) ? undefined : new NotFoundError(`sweep ${id.slice(0, 80)}`)));
  router.param('runId', (_req, _res, next, id: string) => next(/^r[0-9a-f]{16}$/.test(id) ? undefined : new NotFoundError(`run ${id.slice(0, 80)}`)));
}
