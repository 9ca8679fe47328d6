// When Lockstep planned and finished its outbound pushes, read back through the public `pushJobs`
// query: a push job is created by the push planner (after the inbound delivery was stored, relayed
// and applied, and the ticket change relayed) and marked delivered once the receiver answered, so
// its `createdAt` splits a propagation into "until the push was planned" and "the push itself".
import type { AdminClient } from './admin-client.ts';

/** One outbound update job of one ticket. */
export interface PushedUpdate {
  readonly ticketId: string;
  readonly createdAtMs: number;
  readonly deliveredAtMs: number | undefined;
  readonly attempts: number;
}

const PUSH_JOBS = `query($filter: PushJobFilter) {
  pushJobs(filter: $filter, first: 100) { edges { node { operation status attempts createdAt deliveredAt } } }
}`;

interface PushJobView {
  readonly operation: string;
  readonly status: string;
  readonly attempts: number;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

/** Every update job of each of `ticketIds` towards `projectId` (at most 100 per ticket), oldest first. */
export async function pushedUpdates(admin: AdminClient, projectId: string, ticketIds: readonly string[]): Promise<PushedUpdate[]> {
  const perTicket = await Promise.all(
    ticketIds.map(async (ticketId) => {
      const data = await admin.run<{ pushJobs: { edges: Array<{ node: PushJobView }> } }>(PUSH_JOBS, { filter: { ticketId, projectId } });
      return data.pushJobs.edges
        .map((edge) => edge.node)
        .filter((job) => job.operation === 'update')
        .map((job) => ({
          ticketId,
          createdAtMs: Date.parse(job.createdAt),
          deliveredAtMs: job.deliveredAt === null ? undefined : Date.parse(job.deliveredAt),
          attempts: job.attempts,
        }));
    }),
  );
  return perTicket.flat().sort((a, b) => a.createdAtMs - b.createdAtMs);
}
