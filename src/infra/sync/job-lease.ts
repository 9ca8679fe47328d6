// Push job leases: one process runs a job at a time. A run claims the job under its row lock, keeps
// the lease alive while the external call lasts, and gives it back when done (in the very write that
// ends the job, when it ends); a job whose holder died is taken again only after the lease expires
// (the sweeper re-sends it), and that run knows an earlier attempt may have reached the side.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ExternalProject } from '#domain/project/external-project.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { prepared, runPrepared } from '#infra/persistence/prepared-statement.ts';
import { PushJob } from '#infra/persistence/sync-records.ts';
import { entityFrom, prefixedColumns, type PrefixedRow } from './claimed-rows.ts';

/** How long a claim holds without renewal. */
export const leaseMs = 30_000;

/** What a run reads with its claim, as of the claim: the run needs nothing else from the database. */
export interface ClaimedJob {
  readonly job: PushJob;
  readonly ticket: Ticket;
  /** Null for a create (or when the job names no mapping any more). */
  readonly mapping: SyncMapping | null;
  readonly project: ExternalProject;
}

/** What a write that ends a job needs to give the lease back in the same statement. */
export interface LeaseHolder {
  readonly jobId: string;
  /** This process's name in `push_jobs.lease_owner`. */
  readonly owner: string;
  /** The committed write that ended the job gave the lease back: stop renewing, nothing left to release. */
  cleared(): void;
}

/** A claimed job. */
export interface JobLease extends LeaseHolder {
  /** An earlier run claimed the job and never gave it back: its call may have reached the side. */
  readonly interrupted: boolean;
  /** The claimed row: the job, its ticket, its mapping and its project (see `claimedJob`). */
  readonly row: PrefixedRow;
  /** Gives the lease back unless the write that ended the job did (the job's state was already written by the run). */
  release(): Promise<void>;
}

/** Claims and renews push job leases for this process. */
export interface JobLeases {
  /** Claims pending job `jobId`, or null when it is not pending, another process holds it, or its ticket or project is gone. */
  claim(jobId: string): Promise<JobLease | null>;
}

/** The entities of a claimed row, merged into `em` (no statement). */
export function claimedJob(em: EntityManager, row: PrefixedRow): ClaimedJob {
  const job = entityFrom(em, PushJob, row, 'job');
  const ticket = entityFrom(em, Ticket, row, 'ticket');
  const project = entityFrom(em, ExternalProject, row, 'project');
  if (!job || !ticket || !project) throw new Error('a claimed row lacks its job, ticket or project');
  return { job, ticket, mapping: entityFrom(em, SyncMapping, row, 'mapping'), project };
}

/** Clears `job`'s lease when `holder` holds it, so the write ending the job gives it back; true when it did. */
export function giveBack(job: PushJob, holder: LeaseHolder): boolean {
  if (job.leaseOwner !== holder.owner) return false;
  job.leaseOwner = null;
  job.leaseUntil = null;
  return true;
}

/** Leases held under a name unique to this process. */
export function createJobLeases(orm: MikroORM): JobLeases {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const connection = () => orm.em.getConnection();
  // The row lock is the job's only; the rest is read as it stands (a run re-reads what it writes under lock).
  const claim = prepared(`update push_jobs j set lease_owner = $1, lease_until = now() + ($2::float8 * interval '1 millisecond'), updated_at = now()
      from (select p.lease_owner as previous, ${prefixedColumns(orm, PushJob, 'p', 'job')}, ${prefixedColumns(orm, Ticket, 't', 'ticket')},
                   ${prefixedColumns(orm, SyncMapping, 'm', 'mapping')}, ${prefixedColumns(orm, ExternalProject, 'x', 'project')}
              from push_jobs p join tickets t on t.id = p.ticket_id join external_projects x on x.id = p.project_id
                   left join sync_mappings m on m.id = p.mapping_id
             where p.id = $3 for update of p) old
     where j.id = old."job.id" and j.status = 'pending' and (j.lease_until is null or j.lease_until < now())
     returning old.*`);
  return {
    async claim(jobId) {
      const rows = await runPrepared<PrefixedRow & { previous: string | null }>(orm, claim, [owner, leaseMs, jobId]);
      const row = rows[0];
      if (!row) return null;
      const renew = setInterval(() => {
        connection()
          .execute(`update push_jobs set lease_until = now() + (? * interval '1 millisecond') where id = ? and lease_owner = ?`, [leaseMs, jobId, owner])
          .catch(() => undefined);
      }, leaseMs / 3);
      renew.unref();
      let held = true;
      return {
        jobId,
        owner,
        row,
        interrupted: row.previous !== null,
        cleared() {
          clearInterval(renew);
          held = false;
        },
        async release() {
          clearInterval(renew);
          if (!held) return;
          held = false;
          await connection().execute(`update push_jobs set lease_owner = null, lease_until = null where id = ? and lease_owner = ?`, [jobId, owner]);
        },
      };
    },
  };
}
