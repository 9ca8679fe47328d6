// What to do with an alert group's silences at its source, given its ticket's status and the
// silences Lockstep finds it already made there: acknowledged keeps exactly one (making it when
// none exists, expiring twins), back to open or resolved/closed expires them all, and a status
// in between (in progress, blocked) leaves them as they are. Decided on the source's own list, so
// an earlier attempt whose answer was lost is found, not repeated.

import type { TicketStatus } from '../ticket/fields.ts';

/** The silence work for one group. */
export interface SilencePlan {
  /** Make a new silence (none of ours exists). */
  readonly create: boolean;
  /** Silences of ours to expire. */
  readonly expire: readonly string[];
  /** The silence that stays (to record), or null. */
  readonly keep: string | null;
}

/** True when `status` calls for any silence work at all. */
export function silenceMatters(status: TicketStatus): boolean {
  return status !== 'in_progress' && status !== 'blocked';
}

/** The plan for a ticket in `status` whose source holds `existing` silences of ours (oldest first). */
export function planSilences(status: TicketStatus, existing: readonly string[]): SilencePlan {
  const [first = null, ...twins] = existing;
  switch (status) {
    case 'acknowledged':
      return { create: first === null, expire: twins, keep: first };
    case 'open':
    case 'resolved':
    case 'closed':
      return { create: false, expire: [...existing], keep: null };
    case 'in_progress':
    case 'blocked':
      return { create: false, expire: [], keep: first };
    default:
      return status satisfies never;
  }
}
