// Push job leases: one process runs a job at a time. A run claims the job under its row lock, keeps
// the lease alive while the external call lasts, and gives it back when done; a job whose holder
// died is taken again only after the lease expires (the sweeper re-sends it), and that run knows
// an earlier attempt may have reached the side.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';

/** How long a claim holds without renewal. */
export const leaseMs = 30_000;

/** A claimed job. */
export interface JobLease {
  /** An earlier run claimed the job and never gave it back: its call may have reached the side. */
  readonly interrupted: boolean;
  /** Gives the lease back (the job's state was already written by the run). */
  release(): Promise<void>;
}

/** Claims and renews push job leases for this process. */
export interface JobLeases {
  /** Claims pending job `jobId`, or null when it is not pending or another process holds it. */
  claim(jobId: string): Promise<JobLease | null>;
}

/** Leases held under a name unique to this process. */
export function createJobLeases(orm: MikroORM): JobLeases {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const connection = () => orm.em.getConnection();
  return {
    async claim(jobId) {
      const rows = await connection().execute<Array<{ previous: string | null }>>(
        `update push_jobs j set lease_owner = ?, lease_until = now() + (? * interval '1 millisecond'), updated_at = now()
           from (select id, lease_owner from push_jobs where id = ? for update) old
          where j.id = old.id and j.status = 'pending' and (j.lease_until is null or j.lease_until < now())
          returning old.lease_owner as previous`,
        [owner, leaseMs, jobId],
      );
      const row = rows[0];
      if (!row) return null;
      const renew = setInterval(() => {
        connection()
          .execute(`update push_jobs set lease_until = now() + (? * interval '1 millisecond') where id = ? and lease_owner = ?`, [leaseMs, jobId, owner])
          .catch(() => undefined);
      }, leaseMs / 3);
      renew.unref();
      return {
        interrupted: row.previous !== null,
        async release() {
          clearInterval(renew);
          await connection().execute(`update push_jobs set lease_owner = null, lease_until = null where id = ? and lease_owner = ?`, [jobId, owner]);
        },
      };
    },
  };
}
