import { describe, expect, it } from 'vitest';
import { partyKeys } from './party-keys';

describe('partyKeys', () => {
  it('joins replicas of one volunteer, a shared wallet or a shared prefix, transitively', () => {
    const keys = partyKeys([
      { id: 'r1', volunteerId: 'a', networkPrefix: 'v4:203.0.113', wallet: null },
      { id: 'r2', volunteerId: 'b', networkPrefix: null, wallet: '0xw' },
      { id: 'r3', volunteerId: 'c', networkPrefix: 'v4:203.0.113', wallet: '0xw' },
      { id: 'r4', volunteerId: 'd', networkPrefix: 'v4:198.51.100', wallet: null },
      { id: 'r5', volunteerId: 'd', networkPrefix: null, wallet: null },
      { id: 'r6', volunteerId: 'e', networkPrefix: null, wallet: null },
    ]);
    expect(new Set(['r1', 'r2', 'r3'].map((id) => keys.get(id))).size).toBe(1);
    expect(keys.get('r4')).toBe(keys.get('r5'));
    expect(new Set([keys.get('r1'), keys.get('r4'), keys.get('r6')]).size).toBe(3);
  });
});
