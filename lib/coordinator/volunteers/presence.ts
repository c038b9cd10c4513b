import { clock } from '../clock';

/**
 * Who asked for work lately, kept in this process's memory. A volunteer with nothing it may lease
 * (every open shard already has its result, as with one volunteer on a quorum job) still polls
 * `POST /leases` every few seconds but creates no lease row, so only its requests show that it is
 * donating. Process-local on purpose (no write per poll): with several coordinator processes each
 * knows the volunteers that poll it, and `getJobActivity` adds every holder of a live lease from
 * the database.
 */
const lastSeen = new Map<string, number>();

/** Volunteers count as donating for this long after their last lease request. */
export const PRESENCE_WINDOW_MS = 30_000;

/** Notes that `volunteerId` asked for work now. */
export function notePresence(volunteerId: string, at: number = clock.now().getTime()): void {
  lastSeen.set(volunteerId, at);
  // Prune now and then, so the map holds about one window of volunteers.
  if (lastSeen.size % 256 === 0) {
    for (const [id, seen] of lastSeen) if (seen < at - PRESENCE_WINDOW_MS) lastSeen.delete(id);
  }
}

/** Volunteers that asked for work within the window ending at `now`. */
export function presentVolunteers(now: number = clock.now().getTime()): Set<string> {
  const present = new Set<string>();
  for (const [id, seen] of lastSeen) if (seen >= now - PRESENCE_WINDOW_MS) present.add(id);
  return present;
}
