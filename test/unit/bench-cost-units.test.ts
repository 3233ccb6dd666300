import { describe, expect, it } from 'vitest';
import { itemSize, numberSize } from '../../bench/cost/item-size.js';
import { indexWrites, tableUnits } from '../../bench/cost/write-units.js';

describe('the cost bench’s DynamoDB sizing', () => {
  it('sizes items by DynamoDB’s rules', () => {
    expect(itemSize({ pk: { S: 'ab' } })).toBe(4);
    expect(numberSize('12345')).toBe(4);
    expect(numberSize('-0.0100')).toBe(2);
    expect(itemSize({ ok: { BOOL: true }, no: { NULL: true } })).toBe(6);
    // list: 3 + 1 per element + contents; map adds its keys as names
    expect(itemSize({ l: { L: [{ S: 'x' }, { S: 'yz' }] } })).toBe(1 + 3 + 2 + 3);
    expect(itemSize({ m: { M: { a: { S: 'b' } } } })).toBe(1 + 3 + 1 + 2);
  });

  it('charges a write by the larger image, doubled in a transaction', () => {
    const small = { pk: { S: 't#task#1' }, sk: { S: 'task' } };
    const big = { ...small, payload: { S: 'x'.repeat(1500) } };
    expect(tableUnits(undefined, small, false)).toBe(1);
    expect(tableUnits(big, small, false)).toBe(2);
    expect(tableUnits(small, big, true)).toBe(4);
  });

  it('writes an index when its key appears, changes or goes, or a projected attribute changes', () => {
    const base = { pk: { S: 't#task#1' }, sk: { S: 'task' }, status: { S: 'PENDING' } };
    const listed = { ...base, lpk: { S: 't#tasks#01' }, lsk: { S: 'a' }, type: { S: 'echo' } };
    expect(indexWrites(undefined, listed).map((w) => [w.index, w.units])).toEqual([['list', 1]]);
    // status is not projected into list: no index write
    expect(indexWrites(listed, { ...listed, status: { S: 'ACTIVE' } })).toEqual([]);
    expect(indexWrites(listed, { ...listed, type: { S: 'other' } }).map((w) => w.units)).toEqual([1]);
    const moved = indexWrites(listed, { ...listed, lpk: { S: 't#tasks#02' } });
    expect(moved.map((w) => [w.units, w.partitions.map((p) => p.key)])).toEqual([[2, ['t#tasks#01', 't#tasks#02']]]);
    expect(indexWrites(listed, base).map((w) => w.index)).toEqual(['list']);
  });
});
