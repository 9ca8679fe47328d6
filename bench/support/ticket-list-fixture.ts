// The stage for the ticket-list measurement, built through Lockstep's public GraphQL API: one PULL
// project (the hub never pushes to it, so nothing runs in the background), and LIST_SIZE tickets,
// each linked to an item there, with three comments, every other one with an open conflict. The
// list then has something in every nested field it asks for.
import type { AdminClient } from './admin-client.ts';
import { LIST_SIZE } from './ticket-operations.ts';

const CONNECT = `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id } } }`;
const CREATE = 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id version } } }';
const UPDATE = 'mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { conflicts { id } } }';
const LINK = 'mutation($input: LinkTicketInput!) { linkTicket(input: $input) { mapping { id } } }';
const COMMENT = 'mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }';

/** What the list shows, counted when it was built. */
export interface TicketListFixture {
  readonly tickets: number;
  readonly comments: number;
  readonly conflicts: number;
}

/** Builds the stage on the Lockstep `admin` talks to. */
export async function setUpTicketList(admin: AdminClient): Promise<TicketListFixture> {
  const input = { name: 'List bench', kind: 'GENERIC_WEBHOOK', direction: 'PULL', config: { targetUrl: 'http://127.0.0.1:9/' }, credentials: { secret: 'list-bench-secret' } };
  const { connectExternalProject } = await admin.run<{ connectExternalProject: { project: { id: string } } }>(CONNECT, { input });
  const projectId = connectExternalProject.project.id;
  let conflicts = 0;
  for (let n = 0; n < LIST_SIZE; n++) {
    const { createTicket } = await admin.run<{ createTicket: { ticket: { id: string; version: string } } }>(CREATE, {
      input: { title: `List ticket ${n}`, labels: ['bench', `n${n % 5}`] },
    });
    const { id: ticketId, version } = createTicket.ticket;
    await admin.run(LINK, { input: { ticketId, projectId, externalId: `list-${n}` } });
    for (let c = 0; c < 3; c++) await admin.run(COMMENT, { input: { ticketId, body: `Comment ${c} on ticket ${n}` } });
    if (n % 2 === 0) {
      await admin.run(UPDATE, { input: { id: ticketId, title: `List ticket ${n} (renamed)` } });
      const { updateTicket } = await admin.run<{ updateTicket: { conflicts: unknown[] } }>(UPDATE, {
        input: { id: ticketId, title: `List ticket ${n} (stale rename)`, expectedVersion: version },
      });
      conflicts += updateTicket.conflicts.length;
    }
  }
  return { tickets: LIST_SIZE, comments: LIST_SIZE * 3, conflicts };
}
