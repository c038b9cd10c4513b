import { describe, expect, it } from 'vitest';
import { groupAgreeing } from './group-agreeing';

describe('groupAgreeing', () => {
  it('groups equal items and keeps disagreeing ones apart', () => {
    expect(groupAgreeing(['a', 'b', 'a', 'c', 'b', 'a'], (x, y) => x === y)).toEqual([
      ['a', 'a', 'a'],
      ['b', 'b'],
      ['c'],
    ]);
  });

  it('compares against the first member of a group, so tolerance does not chain', () => {
    const close = (x: number, y: number) => Math.abs(x - y) <= 1;
    expect(groupAgreeing([0, 1, 2], close)).toEqual([[0, 1], [2]]);
  });

  it('returns no groups for no items', () => {
    expect(groupAgreeing([], () => true)).toEqual([]);
  });
});
