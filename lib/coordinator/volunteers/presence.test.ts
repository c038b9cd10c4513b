import { describe, expect, it } from 'vitest';
import { notePresence, PRESENCE_WINDOW_MS, presentVolunteers } from './presence';

describe('volunteer presence', () => {
  it('counts a volunteer for one window after its last lease request', () => {
    notePresence('a', 1_000_000);
    notePresence('b', 1_000_000 + PRESENCE_WINDOW_MS);
    expect(presentVolunteers(1_000_000 + PRESENCE_WINDOW_MS)).toEqual(new Set(['a', 'b']));
    expect(presentVolunteers(1_000_001 + PRESENCE_WINDOW_MS)).toEqual(new Set(['b']));
    notePresence('a', 1_000_002 + PRESENCE_WINDOW_MS);
    expect(presentVolunteers(1_000_002 + PRESENCE_WINDOW_MS)).toEqual(new Set(['a', 'b']));
  });
});
