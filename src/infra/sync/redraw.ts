// A side that shows tickets rather than holding them (a Slack message) reports a person's request:
// once the hub applied it, the message still shows the old state, so it is redrawn with the
// ticket as it now is (one update push through the same link). Requests that changed nothing
// redraw nothing.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvent } from '#domain/events.ts';
import type { ExternalItem } from '#domain/project/connector.ts';
import type { ExternalProject } from '#domain/project/external-project.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import type { EngineEvent } from './engine-events.ts';
import { newPushJob } from './push-planner.ts';

/** Queues a redraw of each reported item whose ticket the report changed (`events` are the batch's). */
export async function redrawDisplays(
  em: EntityManager,
  project: ExternalProject,
  items: readonly ExternalItem[],
  events: Array<DomainEvent | EngineEvent>,
): Promise<void> {
  const changed = new Set(events.flatMap((event) => (event.type === 'ticket.updated' ? [event.ticketId] : [])));
  for (const item of items) {
    const mapping = await em.findOne(SyncMapping, { projectId: project.id, externalId: item.externalId, status: 'linked' });
    if (!mapping || !changed.has(mapping.ticketId)) continue;
    const ticket = await em.findOne(Ticket, { id: mapping.ticketId });
    if (!ticket) continue;
    const fields = (Object.keys(item.fields) as FieldKey[]).map((field) => ({
      field,
      value: ticket.fieldValue(field),
      version: ticket.clock.vector,
      ifOrderingKey: null,
    }));
    const job = newPushJob({ projectId: project.id, ticketId: ticket.id, mappingId: mapping.id, operation: 'update', fields });
    em.persist(job);
    events.push({ type: 'push.requested', projectId: project.id, ticketId: ticket.id, jobId: job.id });
  }
}
