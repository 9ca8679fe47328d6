// A push that gives way: the side changed a field we were about to write since the value we last
// saw there (found by reading the side first, or refused by a side with conditional writes, or
// already applied: a report settled the field after the push was planned). The job ends
// `superseded`, what the side holds is applied as a report (the field's strategy decides: a MANUAL
// conflict, the newer write, a merge) and whatever is still owed is pushed again.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvent } from '#domain/events.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import type { ExternalItem } from '#domain/project/connector.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';
import type { Outcome } from '#infra/bus/durable-consumer.ts';
import { PushJob } from '#infra/persistence/sync-records.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { lockTicketAndMapping } from './delivered-job.ts';
import type { EngineEvent } from './engine-events.ts';
import { applyItem, lockLinks } from './item-applier.ts';
import { giveBack, type LeaseHolder } from './job-lease.ts';
import { planTicketPushes } from './push-planner.ts';

type Events = Array<DomainEvent | EngineEvent>;

/**
 * Ends `lease`'s job as superseded for `reason` (if it is still pending) and gives its lease back
 * with it; `then` does the rest in the same transaction and returns the events to commit.
 */
async function supersede(uow: UnitOfWork, lease: LeaseHolder, reason: string, then: (em: EntityManager, job: PushJob) => Promise<Events>): Promise<Outcome> {
  let gaveBack = false;
  await uow.run(async (em) => {
    const job = await em.findOne(PushJob, { id: lease.jobId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!job || job.status !== 'pending') return { result: undefined, events: [] };
    Object.assign(job, { status: 'superseded', updatedAt: new Date(), lastError: reason });
    gaveBack = giveBack(job, lease);
    return { result: undefined, events: await then(em, job) };
  });
  if (gaveBack) lease.cleared();
  return 'done';
}

/** Ends `lease`'s job as superseded by `current` (the item as the side holds it) and applies that; gives the lease back with it. */
export function giveWay(uow: UnitOfWork, hub: string, lease: LeaseHolder, current: ExternalItem, moved: readonly FieldKey[]): Promise<Outcome> {
  return supersede(uow, lease, `gave way: the side changed ${moved.join(', ')} since the value Lockstep last saw there`, async (em, job) => {
    const project = await em.findOne(ExternalProject, { id: job.projectId });
    if (!project) return [];
    const events: Events = [];
    const ctx = { hub, deliveryId: `read:${job.id}`, dryRun: false };
    const links = await lockLinks(em, project, [current], ctx);
    // Our write never happened: the fields are no longer in flight, and the report is judged
    // against the base the side had, not against what we meant to send.
    for (const push of job.fields) links.get(current.externalId)?.recordPushFailed(push.field);
    await applyItem(em, project, current, links, ctx, events);
    return events;
  });
}

/**
 * Ends `lease`'s job as superseded without writing: a report from the side settled `overtaken`
 * after the job was planned, so what the side holds is already applied. The job's fields still in
 * flight are released and the ticket's link planned again, so what is still owed goes in a fresh job.
 */
export function giveWayToReport(uow: UnitOfWork, lease: LeaseHolder, mappingId: string, overtaken: readonly FieldKey[]): Promise<Outcome> {
  return supersede(uow, lease, `gave way: a report from the side settled ${overtaken.join(', ')} after this push was planned`, async (em, job) => {
    const locked = await lockTicketAndMapping(em, job.ticketId, mappingId);
    if (!locked || locked.mapping.status !== 'linked') return [];
    for (const push of job.fields) if (locked.mapping.isInFlight(push.field, push.value)) locked.mapping.recordPushFailed(push.field);
    return planTicketPushes(em, locked.ticket, [locked.mapping]);
  });
}
