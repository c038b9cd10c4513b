import { describe, expect, it } from 'vitest';
import { forgetPresenceWrites, PRESENCE_WINDOW_MS, PRESENCE_WRITE_MS, presenceWriteDue } from './presence';

describe('volunteer presence', () => {
  it('writes a polling volunteer at most once per interval, well inside the window', () => {
    forgetPresenceWrites();
    expect(PRESENCE_WRITE_MS * 2).toBeLessThan(PRESENCE_WINDOW_MS);
    expect(presenceWriteDue('a', 1_000_000)).toBe(true);
    expect(presenceWriteDue('a', 1_000_000 + PRESENCE_WRITE_MS - 1)).toBe(false);
    expect(presenceWriteDue('b', 1_000_000 + 1)).toBe(true);
    expect(presenceWriteDue('a', 1_000_000 + PRESENCE_WRITE_MS)).toBe(true);
    forgetPresenceWrites();
    expect(presenceWriteDue('a', 1_000_000 + PRESENCE_WRITE_MS + 1)).toBe(true);
  });
});
