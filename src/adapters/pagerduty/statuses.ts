// How a hub status and a PagerDuty incident status answer each other. PagerDuty incidents are
// triggered, acknowledged or resolved, and its REST API only moves them forward (acknowledge,
// resolve): a hub status that PagerDuty cannot hold is sent as the nearest one it can.

import type { TicketStatus } from '#domain/ticket/fields.ts';

/** An incident's status on PagerDuty. */
export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

/** The hub status an incident status reports. */
export function hubStatusOf(status: IncidentStatus): TicketStatus {
  return status === 'triggered' ? 'open' : status;
}

/**
 * The incident status a hub status asks for: someone working on it (acknowledged, in progress,
 * blocked) is acknowledged, done (resolved, closed) is resolved; `open` asks for nothing, since
 * the REST API cannot take an incident back to triggered.
 */
export function incidentStatusFor(status: TicketStatus): Exclude<IncidentStatus, 'triggered'> | null {
  switch (status) {
    case 'open':
      return null;
    case 'acknowledged':
    case 'in_progress':
    case 'blocked':
      return 'acknowledged';
    case 'resolved':
    case 'closed':
      return 'resolved';
    default:
      return status satisfies never;
  }
}

/** Whether PagerDuty can move an incident from `from` to `to` (never backwards, never to itself). */
export function canMove(from: IncidentStatus, to: Exclude<IncidentStatus, 'triggered'>): boolean {
  if (from === to || from === 'resolved') return false;
  return true;
}
