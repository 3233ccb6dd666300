import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasRoomFor, isLeftOver, slotWaitSeconds, STARTING_GRACE_MS } from '../../shared/domain/concurrency-slots.js';
import { formatInterval, HELD_TOKEN_SLACK_MS, heldTokenUse, MAX_RESERVE_MS, nextTokenAt, parseInterval, takeToken, tokensUsed } from '../../shared/domain/rate-limit.js';

describe('the token bucket (GCRA)', () => {
  const rate = { limit: 10, perMs: 1000 };

  it('lets a full bucket burst `limit` starts, then one per interval', () => {
    let tat: number | undefined;
    const allowed: number[] = [];
    for (let now = 0; now < 2000; now += 10) {
      for (let i = 0; i < 20; i++) {
        const decision = takeToken(tat, rate, now);
        if (decision.ok) {
          tat = decision.tat;
          allowed.push(now);
        }
      }
    }
    expect(allowed.filter((t) => t === 0)).toHaveLength(10);
    expect(allowed.filter((t) => t < 1000)).toHaveLength(19);
    expect(allowed).toHaveLength(29);
  });

  it('refuses with the exact time of the next token', () => {
    let tat: number | undefined;
    for (let i = 0; i < 10; i++) tat = (takeToken(tat, rate, 0) as { tat: number }).tat;
    const refused = takeToken(tat, rate, 0);
    expect(refused).toEqual({ ok: false, reserved: false, retryAt: 100 });
    expect(takeToken(tat, rate, 99).ok).toBe(false);
    expect(takeToken(tat, rate, 100).ok).toBe(true);
    expect(nextTokenAt(tat as number, rate)).toBe(100);
  });

  it('never allows more than limit + elapsed/interval starts in any window (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 10, max: 5000 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 300 }),
        (limit, perMs, gaps) => {
          const r = { limit, perMs };
          let tat: number | undefined;
          let now = 0;
          const starts: number[] = [];
          for (const gap of gaps) {
            now += gap;
            const d = takeToken(tat, r, now);
            if (d.ok) {
              tat = d.tat;
              starts.push(now);
            } else {
              expect(d.reserved).toBe(false);
              if (!d.reserved) expect(d.retryAt).toBeGreaterThan(now);
            }
          }
          for (let i = 0; i < starts.length; i++) {
            for (let j = i; j < starts.length; j++) {
              const span = (starts[j] as number) - (starts[i] as number);
              expect(j - i + 1).toBeLessThanOrEqual(limit + Math.floor((span * limit) / perMs) + 1e-9);
            }
          }
        },
      ),
    );
  });

  it('reserves the next token for a waiter within the horizon: 100 at 10/s get 10 now and one per 100 ms after', () => {
    let tat: number | undefined;
    const granted: number[] = [];
    for (let i = 0; i < 100; i++) {
      const d = takeToken(tat, rate, 0, MAX_RESERVE_MS);
      expect(d.ok || d.reserved).toBe(true);
      if (d.ok) granted.push(0);
      else if (d.reserved) granted.push(d.at);
      tat = (d as { tat: number }).tat;
    }
    expect(granted.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(granted.slice(10)).toEqual(Array.from({ length: 90 }, (_, i) => (i + 1) * 100));
    // Reserved tokens are taken: at their time, the bucket has none to spare.
    expect(takeToken(tat, rate, 9000).ok).toBe(false);
  });

  it('refuses as before beyond the horizon, and never reserves without one', () => {
    let tat: number | undefined;
    for (let i = 0; i < 10; i++) tat = (takeToken(tat, rate, 0) as { tat: number }).tat;
    expect(takeToken(tat, rate, 0)).toEqual({ ok: false, reserved: false, retryAt: 100 });
    expect(takeToken(tat, rate, 0, 99)).toEqual({ ok: false, reserved: false, retryAt: 100 });
    expect(takeToken(tat, rate, 0, 100)).toEqual({ ok: false, reserved: true, at: 100, tat: (tat as number) + 100 });
    // The horizon is at most SQS's longest delay.
    const slow = { limit: 1, perMs: 86_400_000 };
    const used = (takeToken(undefined, slow, 0) as { tat: number }).tat;
    expect(takeToken(used, slow, 0, 10 * MAX_RESERVE_MS)).toMatchObject({ reserved: false, retryAt: 86_400_000 });
  });

  it('counting reserved tokens at their time, no window sees more than limit + elapsed·rate (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 10, max: 5000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 300 }),
        (limit, perMs, horizon, gaps) => {
          const r = { limit, perMs };
          let tat: number | undefined;
          let now = 0;
          const tokens: number[] = [];
          let lastReserved = -Infinity;
          for (const gap of gaps) {
            now += gap;
            const d = takeToken(tat, r, now, horizon);
            if (d.ok) {
              tokens.push(now);
              tat = d.tat;
            } else if (d.reserved) {
              expect(d.at).toBeGreaterThan(now);
              expect(d.at - now).toBeLessThanOrEqual(horizon);
              // First come, first served: each reservation is later than the one before.
              expect(d.at).toBeGreaterThan(lastReserved);
              lastReserved = d.at;
              tokens.push(d.at);
              tat = d.tat;
            } else {
              expect(d.retryAt - now).toBeGreaterThan(horizon);
            }
          }
          tokens.sort((a, b) => a - b);
          for (let i = 0; i < tokens.length; i++) {
            for (let j = i; j < tokens.length; j++) {
              const span = (tokens[j] as number) - (tokens[i] as number);
              expect(j - i + 1).toBeLessThanOrEqual(limit + Math.floor((span * limit) / perMs + 1e-9));
            }
          }
        },
      ),
    );
  });

  it('honours a held token for its attempt and the limit it was reserved under, within the horizon, from a second early', () => {
    const held = { at: 10_000, attempt: 1, limit: 10, perMs: 1000 };
    expect(heldTokenUse(held, rate, 1, 10_000)).toBe('use');
    expect(heldTokenUse(held, rate, 1, 10_000 - HELD_TOKEN_SLACK_MS)).toBe('use');
    expect(heldTokenUse(held, rate, 1, 10_000 - HELD_TOKEN_SLACK_MS - 1)).toBe('wait');
    expect(heldTokenUse(held, rate, 1, 10_000 + 60_000)).toBe('use');
    // A retry is another start; a changed or removed limit, another bucket.
    expect(heldTokenUse(held, rate, 2, 10_000)).toBe('void');
    expect(heldTokenUse(held, { limit: 5, perMs: 1000 }, 1, 10_000)).toBe('void');
    expect(heldTokenUse(held, undefined, 1, 10_000)).toBe('void');
    // Further from now than the horizon either way: forged or stale.
    expect(heldTokenUse(held, rate, 1, 10_000 - MAX_RESERVE_MS - 1)).toBe('void');
    expect(heldTokenUse(held, rate, 1, 10_000 + MAX_RESERVE_MS + 1)).toBe('void');
    expect(heldTokenUse(held, rate, 1, 10_000 + 5_001, 5_000)).toBe('void');
  });

  it('reports its use: 0 when idle, limit when empty', () => {
    expect(tokensUsed(undefined, rate, 0)).toBe(0);
    let tat: number | undefined;
    for (let i = 0; i < 10; i++) tat = (takeToken(tat, rate, 0) as { tat: number }).tat;
    expect(tokensUsed(tat, rate, 0)).toBe(10);
    expect(tokensUsed(tat, rate, 500)).toBe(5);
    expect(tokensUsed(tat, rate, 5000)).toBe(0);
  });

  it('reads and writes intervals', () => {
    expect(['500ms', '1s', '10m', '1h', '1d'].map(parseInterval)).toEqual([500, 1000, 600_000, 3_600_000, 86_400_000]);
    expect(['', '1', '0s', '2d', '1.5s', '1 s', 's'].map(parseInterval)).toEqual(Array(7).fill(undefined));
    expect([500, 1000, 60_000, 7_200_000, 1500].map(formatInterval)).toEqual(['500ms', '1s', '1m', '2h', '1500ms']);
  });
});

describe('concurrency key admission', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const holder = (taskId: string, attempt = 1, ago = 0) => ({ taskId, attempt, at: now.getTime() - ago });

  it('has room under the limit, or for a task that already holds a slot', () => {
    expect(hasRoomFor([], 1, 'a')).toBe(true);
    expect(hasRoomFor([holder('a')], 1, 'b')).toBe(false);
    expect(hasRoomFor([holder('a')], 1, 'a')).toBe(true);
    expect(hasRoomFor([holder('a')], 2, 'b')).toBe(true);
  });

  it('tells left-over holders from live and starting ones', () => {
    expect(isLeftOver(holder('a'), { status: 'ACTIVE', attempts: 1 }, now)).toBe(false);
    expect(isLeftOver(holder('a'), { status: 'COMPLETED', attempts: 1 }, now)).toBe(true);
    expect(isLeftOver(holder('a'), undefined, now)).toBe(true);
    // A retry is waiting: attempt 1 ended without its release.
    expect(isLeftOver(holder('a'), { status: 'PENDING', attempts: 1 }, now)).toBe(true);
    // Taken for attempt 1, the start not yet written: starting, unless it has been too long.
    expect(isLeftOver(holder('a'), { status: 'PENDING', attempts: 0 }, now)).toBe(false);
    expect(isLeftOver(holder('a', 1, STARTING_GRACE_MS + 1), { status: 'PENDING', attempts: 0 }, now)).toBe(true);
    expect(isLeftOver(holder('a', 1), { status: 'ACTIVE', attempts: 2 }, now)).toBe(true);
  });

  it('waits longer behind a long runner, between 1 s and 90 s', () => {
    expect(slotWaitSeconds([holder('a', 1, 0)], now, 0)).toBe(1);
    expect(slotWaitSeconds([holder('a', 1, 40_000)], now, 0)).toBe(10);
    expect(slotWaitSeconds([holder('a', 1, 10 * 3600_000)], now, 0.999)).toBeLessThanOrEqual(90);
  });
});
