// The engine's bookkeeping for one group of one source project: the current episode's ticket, when
// it resolved, and marks of alerts outside it. (Routing is the sync rules': a ticket is linked once.)

import type { AlertEpisode, AlertGroupState, AlertMark } from './alert-group.ts';
import type { AlertInstance } from './alert-instance.ts';
import type { Priority, TicketStatus } from '../ticket/fields.ts';

/** One group's bookkeeping. */
export class AlertGroupRecord {
  id!: string;
  projectId!: string;
  groupKey!: string;
  /** The current episode's ticket; null while no alert of the group has fired. */
  ticketId!: string | null;
  resolvedAt!: Date | null;
  earlier!: AlertMark[];
  /** The silence Lockstep made at the source while the ticket is acknowledged; null when none. */
  silenceId!: string | null;
  /** The labels the source groups by (the matchers of its silence), from its latest report that says; null when none did. */
  groupLabels!: Record<string, string> | null;
  createdAt!: Date;
  updatedAt!: Date;

  /** The state to fold over, given the episode ticket's current status and priority and its members. */
  state(
    ticket: { status: TicketStatus; priority: Priority } | null,
    members: readonly AlertInstance[],
  ): AlertGroupState {
    const episode: AlertEpisode | null = ticket && {
      status: ticket.status,
      priority: ticket.priority,
      resolvedAtMs: this.resolvedAt?.getTime() ?? null,
      members: members.map((member) => member.report()),
    };
    return { episode, earlier: this.earlier };
  }

  /** Records the folded state; a new `ticketId` starts a new episode. */
  record(state: AlertGroupState, ticketId: string | null, nowMs: number): void {
    this.ticketId = ticketId;
    const resolvedAtMs = state.episode?.resolvedAtMs ?? null;
    this.resolvedAt = resolvedAtMs === null ? null : new Date(resolvedAtMs);
    this.earlier = [...state.earlier];
    this.updatedAt = new Date(nowMs);
  }
}
