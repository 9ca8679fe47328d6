// Where a message that keeps failing ends: its job, delivery or session is marked as failed with
// the error, visible to operators (pushJobs, syncErrors, the session's errors) and retryable, and
// the message is acknowledged instead of going round for ever.
import { LockMode } from '@mikro-orm/core';
import { ExternalProject } from '#domain/project/external-project.ts';
import { SyncSession } from '#domain/project/sync-session.ts';
import { InboxDelivery, PushJob } from '#infra/persistence/sync-records.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import { buryJob } from './push-worker.ts';

const describe = (error: unknown) => `kept failing: ${error instanceof Error ? error.message : String(error)}`;

/** Push job `jobId` becomes dead with the error (shown by `pushJobs`, retried with `retryPushJob`). */
export function parkPushJob(uow: UnitOfWork, jobId: string, error: unknown): Promise<void> {
  return uow.run(async (em) => {
    const job = await em.findOne(PushJob, { id: jobId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const project = job ? await em.findOne(ExternalProject, { id: job.projectId }) : null;
    if (!job || job.status !== 'pending' || !project) return { result: undefined, events: [] };
    const refused = await buryJob(em, job, project, describe(error));
    return { result: undefined, events: [refused] };
  });
}

/** Inbox delivery `inboxId` becomes failed with the error. */
export function parkDelivery(uow: UnitOfWork, inboxId: string, error: unknown): Promise<void> {
  return uow.run(async (em) => {
    const inbox = await em.findOne(InboxDelivery, { id: inboxId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (inbox && inbox.status === 'pending') Object.assign(inbox, { status: 'failed', error: describe(error), attempts: inbox.attempts + 1 });
    return { result: undefined, events: [] };
  });
}

/** Sync session `sessionId` fails with the error. */
export function parkSession(uow: UnitOfWork, sessionId: string, error: unknown): Promise<void> {
  return uow.run(async (em) => {
    const session = await em.findOne(SyncSession, { id: sessionId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    session?.fail(describe(error), Date.now());
    return { result: undefined, events: [] };
  });
}
