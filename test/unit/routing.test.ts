import { describe, expect, it } from 'vitest';
import { routeToPool } from '../../shared/domain/routing.js';

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
