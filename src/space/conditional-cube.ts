/**
 * The unit-cube view (unit-cube.ts) of a space with conditional parameters, for model-based
 * search. An inactive parameter is absent from the config; its coordinates get a fixed value
 * (0.5 for a number, all-zero for a categorical's one-hot — what unit-cube.ts gives a missing
 * value), so two configs of one branch differ only where they differ, and the branch itself is
 * told apart by the one-hot of the categorical that `when` names. Decoding drops the inactive
 * parameters, so a point's inactive coordinates never change the config it stands for, and
 * `activeSlots` lets an optimizer move only the coordinates that matter at a point (the point
 * must not be changed afterwards: answers are remembered per array).
 */
import type { ParameterSpace } from '../config/types.js';
import { activityIn, hasConditions, pruneInactive } from './conditional-space.js';
import { unitCube, type UnitCube, type UnitCubeSlot } from './unit-cube.js';

export interface ConditionalCube extends UnitCube {
  /** The slots active in the config `u` decodes to (all of them for a space without `when`). */
  activeSlots(u: ArrayLike<number>): readonly UnitCubeSlot[];
}

export function conditionalCube(space: ParameterSpace): ConditionalCube {
  const base = unitCube(space);
  if (!hasConditions(space)) return { ...base, activeSlots: () => base.slots };
  // An optimizer moves from the same points many times: remember each point's answer (by identity).
  const memo = new WeakMap<object, readonly UnitCubeSlot[]>();
  return {
    dims: base.dims,
    slots: base.slots,
    encode: (config) => base.encode(pruneInactive(space, config)),
    decode: (u) => pruneInactive(space, base.decode(u)),
    activeSlots: (u) => {
      const known = memo.get(u);
      if (known) return known;
      const isActive = activityIn(space, base.decode(u));
      const slots = base.slots.filter((slot) => isActive(slot.path));
      memo.set(u, slots);
      return slots;
    },
  };
}
