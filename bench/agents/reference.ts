import { readyOrder } from '../../shared/domain/scheduling/order.js';
import { eligible, fits, waste } from '../../shared/domain/scheduling/fit.js';
import { at, profile, type Dispatch } from './engine.js';

/**
 * The offline greedy reference: one central scheduler that sees the whole
 * ready set and every agent at once. At each event it walks the ready set in
 * order (priority with aging, EDF, FIFO) and starts each task on the agent
 * where it fits best (least left unused; then the faster agent). A task that
 * fits nowhere is skipped and later ones backfill: no reservation, so it packs
 * as tightly as greedy can but may hold a big task back for long.
 */
export const referenceDispatch: Dispatch = ({ now, waiting, free, agents }, start) => {
  const date = at(now);
  for (const task of readyOrder([...waiting.values()], date)) {
    let best: { id: string; waste: number; weight: number } | undefined;
    for (const agent of agents) {
      const room = free.get(agent.id);
      if (room === undefined || !fits(task.resources, room) || !eligible(profile(agent, room), task)) continue;
      const w = waste(task.resources, room, agent.capacity);
      if (best === undefined || w < best.waste || (w === best.waste && agent.weight > best.weight)) best = { id: agent.id, waste: w, weight: agent.weight };
    }
    if (best !== undefined) start(task.id, best.id);
  }
};
