import { readySortKey } from '../../shared/domain/scheduling/order.js';
import type { SchedulingConfig } from '../../shared/domain/scheduling/config.js';
import type { Candidate, FleetView, SchedulingPolicy } from '../../shared/domain/scheduling/types.js';
import { at, profile, type Dispatch } from './engine.js';
import { random } from './workload.js';

/**
 * The policy as the lease path would run it: each agent with a free slot asks
 * (in a shuffled order, as concurrent long polls would land) with max = its free
 * slots, and sees only the top `topK` of the ready set by `readySortKey` (with
 * `keyConfig`, the defaults unless given), as a query of the index would return.
 * Rounds repeat until no agent takes anything.
 */
export function policyDispatch(policy: SchedulingPolicy, options: { topK: number; seed: number; keyConfig?: SchedulingConfig }): Dispatch {
  const rnd = random(options.seed ^ 0x5eed);
  const keys = new Map<string, string>();
  const keyOf = (c: Candidate): string => {
    let key = keys.get(c.id);
    if (key === undefined) keys.set(c.id, (key = readySortKey(c, options.keyConfig)));
    return key;
  };
  return ({ now, waiting, free, agents }, start) => {
    const date = at(now);
    let ready = [...waiting.values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    for (let round = 0; round < 100; round++) {
      let started = 0;
      const order = [...agents].sort(() => rnd() - 0.5);
      for (const agent of order) {
        const room = free.get(agent.id);
        if (room === undefined || room.slots < 1 || waiting.size === 0) continue;
        ready = ready.filter((c) => waiting.has(c.id));
        const top = ready.slice(0, options.topK);
        const fleet: FleetView = { online: agents.map((a) => profile(a, free.get(a.id) ?? room)) };
        for (const c of policy.choose(profile(agent, room), top, fleet, date, room.slots)) {
          start(c.id, agent.id);
          started++;
        }
      }
      if (started === 0) return;
    }
  };
}
