// Linking a ticket to an external item: to an existing one by its id (its current values are
// fetched when the connector can, and the hub's differing values are pushed), or by creating it
// there (see external-create.ts: asking twice never creates two items). Unlinking stops the sync
// of one ticket with one project, leaving a tombstone that linking the item again clears.
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { JsonValue } from '#domain/json.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { allowsPush } from '#domain/sync/policy.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { BadInputError, NotFoundError } from './errors.ts';
import { AuditEntry, PushJob } from '#infra/persistence/sync-records.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { requestExternalCreate } from '#infra/sync/external-create.ts';
import { planTicketPushes } from '#infra/sync/push-planner.ts';
import { isHubId, newHubId } from './ids.ts';
import { createPlainReads } from '#infra/persistence/plain-reads.ts';
import type { ProjectService } from './projects.ts';

/** What linkTicket did. */
export interface LinkOutcome {
  readonly ticket: Ticket;
  readonly mapping: SyncMapping | null;
  /** The push job carrying the create or the first update, when one was needed. */
  readonly job: PushJob | null;
}

/** The link use cases. */
export interface LinkService {
  /** `actor` names who linked it in the ticket's history when an unlinked item is linked again. */
  link(ticketId: string, projectId: string, externalId: string | undefined, actor?: string): Promise<LinkOutcome>;
  /** Stops syncing the ticket with the project; `actor` is named in the ticket's history. */
  unlink(ticketId: string, projectId: string, actor: string): Promise<Ticket>;
  mappingsOf(ticketId: string): Promise<SyncMapping[]>;
  /** The linked mappings of many tickets in one query, oldest link first, by ticket id. */
  mappingsOfTickets(ticketIds: readonly string[]): Promise<Map<string, SyncMapping[]>>;
}

/** A history entry: the ticket's link with `projectId` went from one external id to another (null: none). */
function linkHistory(ticketId: string, projectId: string, from: string | null, to: string | null, actor: string | null): AuditEntry {
  return Object.assign(new AuditEntry(), {
    ticketId,
    projectId,
    field: 'link',
    fromValue: from,
    toValue: to,
    origin: 'hub',
    actor,
    deliveryId: null,
    at: new Date(),
  });
}

/** Link service over `uow`. */
export function createLinkService(uow: UnitOfWork, projects: ProjectService): LinkService {
  // A page of tickets' links is only displayed: read without hydration.
  const plain = createPlainReads(uow.reader());
  return {
    async link(ticketId, projectId, externalId, actor) {
      if (!isHubId(ticketId)) throw new NotFoundError(`No ticket with id "${ticketId}"`);
      const project = await projects.require(projectId);
      const { connector, settings } = projects.settingsOf(project);
      const policy = project.policy();
      let externalValues: Partial<Record<FieldKey, JsonValue>> | undefined;
      let externalUrl: string | null = null;
      if (externalId !== undefined) {
        if (externalId.trim() === '') throw new BadInputError('externalId: must not be empty');
        if (connector.capabilities.canFetch) {
          const item = await connector.open(settings).fetchItem(externalId, AbortSignal.timeout(15_000));
          if (!item) throw new NotFoundError(`No item "${externalId}" in project ${project.name}`);
          externalValues = item.fields;
          externalUrl = item.url ?? null;
        } else if (allowsPush(policy.direction)) {
          // The side's values are unknown: treat every mapped field as differing, so the hub's state is sent.
          externalValues = Object.fromEntries(project.mappedFields.map((field) => [field, null]));
        }
        // A side we only pull from and cannot read: take the link as in step, so its next report of
        // a field is a plain change (not a conflict with values it may never have held).
      } else if (!connector.capabilities.canCreate) {
        throw new BadInputError(`externalId: ${project.kind.toUpperCase()} cannot create items; give the id of an existing one`);
      }

      const linking = uow.run<LinkOutcome>(async (em) => {
        const ticket = await em.findOne(Ticket, { id: ticketId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!ticket) throw new NotFoundError(`No ticket with id "${ticketId}"`);
        const existing = await em.findOne(SyncMapping, { ticketId, projectId, status: 'linked' });
        if (existing) {
          if (externalId === undefined || existing.externalId === externalId) return { result: { ticket, mapping: existing, job: null }, events: [] };
          throw new BadInputError(`ticketId: already linked to "${existing.externalId}" in project ${project.name}`);
        }
        const at = new Date().toISOString();
        if (externalId === undefined) {
          const create = await requestExternalCreate(em, ticket, project);
          if (create.kind === 'refused') throw new BadInputError(`${create.field}: ${create.reason}`);
          const events = create.kind === 'requested' ? [create.message] : [];
          return { result: { ticket, mapping: null, job: create.job }, events };
        }
        const taken = await em.findOne(SyncMapping, { projectId, externalId, status: 'linked' });
        if (taken) throw new BadInputError(`externalId: "${externalId}" is already linked to ticket ${taken.ticketId}`);
        const mapping = SyncMapping.link({
          id: newHubId(),
          ticket,
          projectId,
          externalId,
          fields: project.mappedFields,
          nowMs: Date.now(),
          ...(externalValues ? { externalValues } : {}),
          externalUrl,
        });
        em.persist(mapping);
        // Linking an item a person unlinked clears its tombstone: its deliveries count again.
        const stopped = await em.find(SyncMapping, { projectId, externalId, tombstone: true }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        for (const old of stopped) old.clearTombstone();
        if (stopped.length > 0) em.persist(linkHistory(ticketId, projectId, null, externalId, actor ?? null));
        const pushes = await planTicketPushes(em, ticket, [mapping]);
        const jobId = pushes[0]?.jobId;
        const job = jobId ? await em.findOne(PushJob, { id: jobId }) : null;
        return {
          result: { ticket, mapping, job },
          events: [{ type: 'external_ticket.created', ticketId, projectId, externalId, at }, ...pushes],
        };
      });
      // The item was linked meanwhile (e.g. imported by its own webhook): say so, change nothing.
      return linking.catch((error: unknown) => {
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
        throw new BadInputError(`externalId: "${externalId ?? ''}" was linked to another ticket meanwhile in project ${project.name}`);
      });
    },

    async unlink(ticketId, projectId, actor) {
      if (!isHubId(ticketId)) throw new NotFoundError(`No ticket with id "${ticketId}"`);
      const project = await projects.require(projectId);
      return uow.run(async (em) => {
        // Whatever was waiting to go there ends: updates, comments, and a create not yet answered.
        // The push worker takes a job before its ticket, so the jobs are locked first here too.
        const pendingWhere = { projectId, ticketId, status: 'pending' } as const;
        const jobLock = { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } } as const;
        const waiting = await em.find(PushJob, pendingWhere, jobLock);
        const ticket = await em.findOne(Ticket, { id: ticketId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!ticket) throw new NotFoundError(`No ticket with id "${ticketId}"`);
        const mapping = await em.findOne(SyncMapping, { ticketId, projectId, status: 'linked' }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        // A job planned between the two reads (under the ticket's lock, now ours) is taken as well.
        const later = await em.find(PushJob, { ...pendingWhere, id: { $nin: waiting.map((job) => job.id) } }, jobLock);
        const pending = [...waiting, ...later].filter((job) => job.status === 'pending');
        if (!mapping && pending.length === 0) throw new BadInputError(`ticketId: ticket ${ticketId} is not linked to project ${project.name}`);
        const now = new Date();
        for (const job of pending) {
          job.status = 'superseded';
          job.lastError = `unlinked by ${actor}`;
          job.updatedAt = now;
        }
        if (!mapping) {
          em.persist(linkHistory(ticketId, projectId, 'creating', null, actor));
          return { result: ticket, events: [] };
        }
        mapping.stop(actor, now.getTime());
        em.persist(linkHistory(ticketId, projectId, mapping.externalId, null, actor));
        const at = now.toISOString();
        return { result: ticket, events: [{ type: 'external_ticket.unlinked', ticketId, projectId, externalId: mapping.externalId, at }] };
      });
    },

    mappingsOf: (ticketId) => uow.reader().find(SyncMapping, { ticketId, status: 'linked' }, { orderBy: { linkedAt: 'asc' } }),
    async mappingsOfTickets(ticketIds) {
      const ids = ticketIds.filter(isHubId);
      if (ids.length === 0) return new Map();
      const found = await plain.all(SyncMapping, `select * from sync_mappings where ticket_id = any($1::uuid[]) and status = 'linked' order by linked_at, id`, [ids]);
      return Map.groupBy(found, (mapping) => mapping.ticketId);
    },
  };
}
