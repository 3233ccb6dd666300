import { describe, expect, it } from 'vitest';
import type { AgentProfile } from '../../shared/domain/scheduling/index.js';
import type { ReadyTask } from '../../shared/ports/task-queries.js';
import { ReadyView } from '../../shared/services/ready-view.js';

/** A view on a hand-moved clock, counting the loads it asks for. */
function viewAt(): { view: ReadyView; advance: (ms: number) => void } {
  let now = 0;
  return { view: new ReadyView(150, () => now, 1_000), advance: (ms) => void (now += ms) };
}

describe('ReadyView (one process’s shared reads for lease calls)', () => {
  it('serves concurrent readers of a ready set from one read, and reads again after its ttl or an invalidate', async () => {
    const { view, advance } = viewAt();
    let loads = 0;
    const load = async (): Promise<readonly ReadyTask[]> => (loads++, []);
    await Promise.all([view.read('t', 'p', load), view.read('t', 'p', load), view.read('t', 'q', load)]);
    expect(loads).toBe(2);
    advance(149);
    await view.read('t', 'p', load);
    expect(loads).toBe(2);
    advance(1);
    await view.read('t', 'p', load);
    expect(loads).toBe(3);
    view.invalidate('t', 'p');
    await view.read('t', 'p', load);
    expect(loads).toBe(4);
  });

  it('keeps each tenant’s fleet for its own ttl, per view: a new view (another process, another test) reads afresh', async () => {
    const { view, advance } = viewAt();
    let loads = 0;
    const load = async (): Promise<readonly AgentProfile[]> => (loads++, []);
    await Promise.all([view.fleet('a', load), view.fleet('a', load), view.fleet('b', load)]);
    expect(loads).toBe(2);
    advance(999);
    await view.fleet('a', load);
    expect(loads).toBe(2);
    advance(1);
    await view.fleet('a', load);
    expect(loads).toBe(3);
    await viewAt().view.fleet('a', load);
    expect(loads).toBe(4);
  });

  it('forgets a failed read, so the next caller tries again', async () => {
    const { view } = viewAt();
    await expect(view.fleet('a', async () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    expect(await view.fleet('a', async () => [])).toEqual([]);
  });
});
