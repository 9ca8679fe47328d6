// The stage for the propagation bench, built through Lockstep's public GraphQL API only: two
// GENERIC_WEBHOOK projects on one loopback receiver — IN (PULL: its changes come into the hub, the
// hub never pushes to it) and OUT (PUSH: every hub change is posted to the receiver) — and
// `count` tickets, each created at OUT through Lockstep and linked to an item `in-<n>` at IN.
import { setTimeout as sleep } from 'node:timers/promises';
import type { GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import type { AdminClient } from './admin-client.ts';

/** A connected project, as the far side needs it to post deliveries. */
export interface ConnectedProject {
  readonly id: string;
  readonly webhookUrl: string;
  readonly webhookSecret: string;
}

/** One hub ticket and the items it is linked to on either side. */
export interface LinkedTicket {
  readonly id: string;
  /** The id the ticket has at IN, where the bench's changes come from. */
  readonly inExternalId: string;
  /** The id the receiver gave the ticket at OUT, where its changes are pushed. */
  readonly outExternalId: string;
}

/** Both projects and the linked tickets. */
export interface PropagationFixture {
  readonly inbound: ConnectedProject;
  readonly outbound: ConnectedProject;
  readonly tickets: readonly LinkedTicket[];
}

const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } }
}`;
const CREATE = 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }';
const LINK = 'mutation($input: LinkTicketInput!) { linkTicket(input: $input) { mapping { externalId } pushJob { id } } }';
const MAPPINGS = 'query($id: ID!) { ticket(id: $id) { mappings { externalId project { id } } } }';

/** How long the creates at OUT may take to be answered and linked. */
const LINK_LIMIT_MS = 20_000;
/** Setup requests in flight at once. */
const PARALLEL = 8;

async function inBatches<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += PARALLEL) {
    const batch = items.slice(start, start + PARALLEL);
    results.push(...(await Promise.all(batch.map((item, offset) => work(item, start + offset)))));
  }
  return results;
}

async function connect(admin: AdminClient, name: string, direction: 'PULL' | 'PUSH', targetUrl: string, secret: string): Promise<ConnectedProject> {
  const input = { name, kind: 'GENERIC_WEBHOOK', direction, config: { targetUrl }, credentials: { secret } };
  // An item linked by id starts with unknown values, so its first report would meet the hub's own
  // title as a concurrent edit; IN's word wins instead of waiting for a person (MANUAL).
  const strategy = direction === 'PULL' ? { defaultStrategy: 'EXTERNAL_WINS' } : {};
  const data = await admin.run<{ connectExternalProject: { project: ConnectedProject } }>(CONNECT, { input: { ...input, ...strategy } });
  return data.connectExternalProject.project;
}

/** The external id of `ticketId` at `projectId`, once linked; polls until then. */
async function linkedId(admin: AdminClient, ticketId: string, projectId: string, deadline: number): Promise<string> {
  for (;;) {
    const data = await admin.run<{ ticket: { mappings: Array<{ externalId: string; project: { id: string } }> } }>(MAPPINGS, { id: ticketId });
    const mapping = data.ticket.mappings.find((candidate) => candidate.project.id === projectId);
    if (mapping) return mapping.externalId;
    if (Date.now() > deadline) throw new Error(`ticket ${ticketId} was not linked at OUT within ${LINK_LIMIT_MS} ms`);
    await sleep(50);
  }
}

/** Connects IN and OUT to `receiver` (which checks signatures with `secret`) and links `count` tickets. */
export async function setUpPropagation(admin: AdminClient, receiver: GenericWebhookSimulator, secret: string, count: number): Promise<PropagationFixture> {
  const inbound = await connect(admin, 'Propagation IN', 'PULL', receiver.url, secret);
  const outbound = await connect(admin, 'Propagation OUT', 'PUSH', receiver.url, secret);
  const numbers = Array.from({ length: count }, (_, index) => index);

  const ids = await inBatches(numbers, async (n) => {
    const data = await admin.run<{ createTicket: { ticket: { id: string } } }>(CREATE, { input: { title: `Propagation ticket ${n}` } });
    return data.createTicket.ticket.id;
  });

  // Created at OUT through Lockstep: the receiver answers each create with the id it chose.
  const createdBefore = receiver.deliveries.filter((delivery) => delivery.event === 'ticket.created').length;
  await inBatches(ids, (ticketId) => admin.run(LINK, { input: { ticketId, projectId: outbound.id } }));
  const deadline = Date.now() + LINK_LIMIT_MS;
  while (receiver.deliveries.filter((delivery) => delivery.event === 'ticket.created').length < createdBefore + count) {
    if (Date.now() > deadline) throw new Error(`the receiver did not get ${count} ticket.created deliveries within ${LINK_LIMIT_MS} ms`);
    await sleep(50);
  }
  const outIds = await inBatches(ids, (ticketId) => linkedId(admin, ticketId, outbound.id, deadline));

  // Linked to existing items at IN; PULL means the hub's values are not pushed there.
  const inIds = await inBatches(ids, async (ticketId, n) => {
    const externalId = `in-${n}`;
    const data = await admin.run<{ linkTicket: { mapping: { externalId: string } | null; pushJob: { id: string } | null } }>(LINK, {
      input: { ticketId, projectId: inbound.id, externalId },
    });
    if (data.linkTicket.mapping?.externalId !== externalId) throw new Error(`ticket ${ticketId}: not linked to ${externalId} at IN`);
    if (data.linkTicket.pushJob !== null) throw new Error(`ticket ${ticketId}: linking at IN (PULL) planned a push`);
    return externalId;
  });

  const tickets = ids.map((id, n) => ({ id, inExternalId: inIds[n] ?? '', outExternalId: outIds[n] ?? '' }));
  return { inbound, outbound, tickets };
}
