// What sync rules see of a ticket, now and just before a change: the rule linker compares the two
// so a change links a ticket when it makes the ticket wanted, not on every later edit.

import type { FieldChange } from '../events.ts';
import type { Priority, Privacy, TicketKind, TicketStatus } from '../ticket/fields.ts';
import type { Ticket } from '../ticket/ticket.ts';
import type { RuleSubject } from './link-rule.ts';

/** The ticket as rules see it now. */
export function subjectOf(ticket: Ticket): RuleSubject {
  return {
    kind: ticket.kind,
    labels: ticket.labels,
    priority: ticket.priority,
    status: ticket.status,
    privacy: ticket.privacy,
    originReplica: ticket.originReplica,
  };
}

/** `subject` with the fields `changes` touched set back to their values before the change. */
export function subjectBefore(subject: RuleSubject, changes: readonly FieldChange[]): RuleSubject {
  let before = subject;
  for (const change of changes) {
    switch (change.field) {
      case 'kind':
        before = { ...before, kind: change.from as TicketKind };
        break;
      case 'labels':
        before = { ...before, labels: Array.isArray(change.from) ? (change.from as string[]) : [] };
        break;
      case 'priority':
        before = { ...before, priority: change.from as Priority };
        break;
      case 'status':
        before = { ...before, status: change.from as TicketStatus };
        break;
      case 'privacy':
        before = { ...before, privacy: change.from as Privacy };
        break;
      default:
        break;
    }
  }
  return before;
}
