// How busy a project has been: per minute over the last hour or so, the deliveries it sent us
// (accepted into the inbox) and the pushes we delivered to it. The console charts these; one
// query each, grouped in PostgreSQL, bounded to the window asked for.
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';

/** One minute of a project's traffic. */
export interface ActivityBucket {
  /** The minute's start. */
  readonly minute: Date;
  /** Deliveries from the project accepted in that minute. */
  readonly inbound: number;
  /** Pushes delivered to the project in that minute. */
  readonly outbound: number;
}

export interface ProjectActivityService {
  /** The last `minutes` minutes (the current one included), oldest first, empty minutes as zeros. */
  recent(projectId: string, minutes: number): Promise<ActivityBucket[]>;
}

export const MAX_ACTIVITY_MINUTES = 24 * 60;

export function createProjectActivityService(uow: UnitOfWork): ProjectActivityService {
  return {
    async recent(projectId, minutes) {
      const span = Math.min(Math.max(1, Math.trunc(minutes)), MAX_ACTIVITY_MINUTES);
      const rows = await uow
        .reader()
        .getConnection()
        .execute<Array<{ minute: Date; inbound: string; outbound: string }>>(
          `with window_start as (select date_trunc('minute', now()) - make_interval(mins => ?::int - 1) as at),
                minutes as (select generate_series((select at from window_start), date_trunc('minute', now()), interval '1 minute') as minute),
                inbound as (select date_trunc('minute', received_at) as minute, count(*) as n
                              from inbox where project_id = ? and received_at >= (select at from window_start) group by 1),
                outbound as (select date_trunc('minute', delivered_at) as minute, count(*) as n
                               from push_jobs where project_id = ? and delivered_at >= (select at from window_start) group by 1)
           select minutes.minute, coalesce(inbound.n, 0) as inbound, coalesce(outbound.n, 0) as outbound
             from minutes left join inbound using (minute) left join outbound using (minute)
            order by minutes.minute`,
          [span, projectId, projectId],
        );
      return rows.map((row) => ({ minute: new Date(row.minute), inbound: Number(row.inbound), outbound: Number(row.outbound) }));
    },
  };
}
