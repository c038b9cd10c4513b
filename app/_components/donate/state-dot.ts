import type { VolunteerState } from '@/browser/volunteer/volunteer-client';

/** The status dot's colour per client state, shared by the donate page and the widget card. */
export const stateDotColour: Record<VolunteerState, string> = {
  idle: 'bg-slate-400',
  starting: 'bg-amber-500 animate-pulse motion-reduce:animate-none',
  running: 'bg-emerald-500 animate-pulse motion-reduce:animate-none',
  paused: 'bg-amber-500',
  stopped: 'bg-slate-400',
};
