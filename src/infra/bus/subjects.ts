// Where each domain event is published. Subjects are hierarchical so that a subscriber filters
// exactly what it needs: one ticket, or the conflicts of one project.

/** The part of an event the subject depends on. */
export interface RoutableEvent {
  readonly type: string;
  readonly ticketId?: string | null;
  readonly projectId?: string | null;
}

/**
 * `<prefix>.events.ticket.<ticketId>.<kind>`, `<prefix>.events.comment.<ticketId>.<kind>` or
 * `<prefix>.events.conflict.<projectId|hub>.<kind>`; other events by project.
 */
export function subjectFor(prefix: string, event: RoutableEvent): string {
  const [aggregate = 'misc', ...rest] = event.type.split('.');
  const kind = rest.join('_') || 'event';
  if (aggregate === 'conflict') return `${prefix}.events.conflict.${event.projectId ?? 'hub'}.${kind}`;
  if (aggregate === 'ticket' && event.ticketId) return `${prefix}.events.ticket.${event.ticketId}.${kind}`;
  if (aggregate === 'comment' && event.ticketId) return `${prefix}.events.comment.${event.ticketId}.${kind}`;
  if (event.projectId) return `${prefix}.events.${aggregate}.${event.projectId}.${kind}`;
  return `${prefix}.events.${aggregate}.all.${kind}`;
}

/** Every event about one ticket. */
export function ticketSubjects(prefix: string, ticketId: string): string {
  return `${prefix}.events.ticket.${ticketId}.>`;
}

/** Conflicts detected with one project, or every detected conflict when projectId is null. */
export function conflictDetectedSubjects(prefix: string, projectId: string | null): string {
  return projectId === null ? `${prefix}.events.conflict.*.detected` : `${prefix}.events.conflict.${projectId}.detected`;
}
