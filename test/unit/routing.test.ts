import { describe, expect, it } from 'vitest';
import { poolsFor, routeToPool } from '../../shared/domain/routing.js';

const pools = [
  { name: 'general', capabilities: ['shell', 'node'] },
  { name: 'gpu', capabilities: ['gpu', 'cuda', 'shell', 'node'] },
  { name: 'database', capabilities: ['database', 'shell', 'node'] },
  { name: 'gpu-small', capabilities: ['gpu', 'node'] },
];

describe('routeToPool', () => {
  it('sends a task with no requirements to the first (default) pool', () => {
    expect(routeToPool(pools, [])).toMatchObject({ ok: true, pool: { name: 'general' } });
  });

  it('picks the most specific pool offering every capability', () => {
    expect(routeToPool(pools, ['gpu'])).toMatchObject({ ok: true, pool: { name: 'gpu-small' } });
    expect(routeToPool(pools, ['gpu', 'shell'])).toMatchObject({ ok: true, pool: { name: 'gpu' } });
    expect(routeToPool(pools, ['database'])).toMatchObject({ ok: true, pool: { name: 'database' } });
  });

  it('breaks a tie by declaration order', () => {
    const tied = [
      { name: 'a', capabilities: ['x', 'y'] },
      { name: 'b', capabilities: ['x', 'z'] },
    ];
    expect(routeToPool(tied, ['x'])).toMatchObject({ ok: true, pool: { name: 'a' } });
  });

  it('names the capabilities no pool offers', () => {
    expect(routeToPool(pools, ['quantum', 'gpu', 'teleport'])).toEqual({ ok: false, missing: ['quantum', 'teleport'] });
  });

  it('names the whole set when each is offered but never together', () => {
    expect(routeToPool(pools, ['gpu', 'database'])).toEqual({ ok: false, missing: ['gpu', 'database'] });
  });
});

describe('poolsFor (the agent pools a lease call reads)', () => {
  const pools = [
    { name: 'general', capabilities: ['echo'], runsOn: 'lambda' },
    { name: 'shell', capabilities: ['shell', 'docker'], runsOn: 'agents' },
    { name: 'gpu', capabilities: ['gpu'], runsOn: 'agents' },
    { name: 'agents', capabilities: [], runsOn: 'agents', openCapabilities: true },
  ];
  const names = (capabilities: string[]): string[] => poolsFor(pools, capabilities).map((p) => p.name);

  it('gives an agent the fixed agent pools it shares a capability with, never a Lambda pool', () => {
    expect(names(['shell'])).toEqual(['shell']);
    // Every task needing only `echo` routes to the Lambda pool that offers it: nothing for this agent.
    expect(names(['echo'])).toEqual([]);
    expect(names(['security-review'])).toEqual(['agents']);
  });

  it('adds the open pool only when no single fixed pool offers all its capabilities', () => {
    expect(names(['shell', 'docker'])).toEqual(['shell']);
    expect(names(['shell', 'security-review'])).toEqual(['shell', 'agents']);
    expect(names(['shell', 'gpu'])).toEqual(['shell', 'gpu', 'agents']);
  });
});
