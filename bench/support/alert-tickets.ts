// What an alert storm left behind, read through Lockstep's public GraphQL API as an admin: every
// ALERT_GROUP ticket with its status, its member alerts and its status history (each change with
// the delivery that made it and the server's time of it), and the check of those tickets against
// what the storm sent: one ticket per group, none more, each ending as its last notification says.
import type { AdminClient } from './admin-client.ts';
import type { StormGroup } from './alert-storm.ts';

/** One alert-group ticket as read. */
export interface AlertTicket {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly createdAtMs: number;
  /** Status changes, oldest first. */
  readonly statusChanges: ReadonlyArray<{ readonly to: unknown; readonly deliveryId: string | null; readonly atMs: number }>;
  readonly alerts: ReadonlyArray<{ readonly fingerprint: string; readonly status: string; readonly updatedAtMs: number }>;
}

interface TicketsPage {
  tickets: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      node: {
        id: string;
        title: string;
        status: string;
        createdAt: string;
        history: Array<{ field: string; to: unknown; deliveryId: string | null; at: string }>;
        alerts: { edges: Array<{ node: { fingerprint: string; status: string; updatedAt: string } }> };
      };
    }>;
  };
}

/** Tickets per page: small enough for the query complexity limit with history and alerts. */
const PAGE = 25;
const TICKETS = `query($after: String) {
  tickets(first: ${PAGE}, after: $after, filter: { kind: [ALERT_GROUP] }) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id title status createdAt
      history(last: 20) { field to deliveryId at }
      alerts(first: 5) { edges { node { fingerprint status updatedAt } } }
    } }
  }
}`;

/** Every ALERT_GROUP ticket of the Lockstep `admin` talks to. */
export async function readAlertTickets(admin: AdminClient): Promise<AlertTicket[]> {
  const tickets: AlertTicket[] = [];
  let after: string | null = null;
  for (;;) {
    const page: TicketsPage = await admin.run<TicketsPage>(TICKETS, { after });
    for (const { node } of page.tickets.edges) {
      tickets.push({
        id: node.id,
        title: node.title,
        status: node.status,
        createdAtMs: Date.parse(node.createdAt),
        statusChanges: node.history
          .filter((change) => change.field === 'status')
          .map((change) => ({ to: change.to, deliveryId: change.deliveryId, atMs: Date.parse(change.at) }))
          .sort((a, b) => a.atMs - b.atMs),
        alerts: node.alerts.edges.map(({ node: alert }) => ({ ...alert, updatedAtMs: Date.parse(alert.updatedAt) })),
      });
    }
    if (!page.tickets.pageInfo.hasNextPage) return tickets;
    after = page.tickets.pageInfo.endCursor;
  }
}

/** The tickets matched to the storm's groups, and everything about them that is not as sent. */
export interface StormOutcome {
  /** Group index -> its one ticket (groups with none or several are problems). */
  readonly byGroup: ReadonlyMap<number, AlertTicket>;
  readonly problems: readonly string[];
}

/** Checks `tickets` against `groups`: exactly one ticket per group, in its final state, nothing else. */
export function checkStorm(tickets: readonly AlertTicket[], groups: readonly StormGroup[]): StormOutcome {
  const problems: string[] = [];
  const byTitle = new Map<string, AlertTicket[]>();
  for (const ticket of tickets) byTitle.set(ticket.title, [...(byTitle.get(ticket.title) ?? []), ticket]);
  const byGroup = new Map<number, AlertTicket>();
  const say = (problem: string) => {
    if (problems.length < 10) problems.push(problem);
  };
  if (tickets.length !== groups.length) say(`${tickets.length} alert-group tickets, not ${groups.length}`);
  for (const group of groups) {
    const found = byTitle.get(group.alertname) ?? [];
    byTitle.delete(group.alertname);
    const [ticket] = found;
    if (!ticket || found.length > 1) {
      say(`${group.alertname}: ${found.length} tickets`);
      continue;
    }
    byGroup.set(group.index, ticket);
    if (ticket.status !== group.finalStatus) say(`${group.alertname}: ${ticket.status}, not ${group.finalStatus}`);
    const alerts = new Map(ticket.alerts.map((alert) => [alert.fingerprint, alert.status]));
    const wrong = [...group.finalAlerts].filter(([fingerprint, status]) => alerts.get(fingerprint) !== status);
    if (wrong.length > 0 || alerts.size !== group.finalAlerts.size) {
      say(`${group.alertname}: alerts ${JSON.stringify([...alerts])}, not ${JSON.stringify([...group.finalAlerts])}`);
    }
  }
  for (const [title, found] of byTitle) say(`${found.length} tickets titled ${JSON.stringify(title)}, no group of the storm`);
  return { byGroup, problems };
}
