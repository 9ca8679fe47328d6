// Before any load: a few plain requests whose answers are read in full, so a server that answers
// 200 with the wrong thing (an auth error, a null ticket) stops the bench instead of being timed.
import { dataOf, createTicketOperation, LIST_SIZE, listTicketsOperation, readTicketOperation, type GraphQLOperation } from './ticket-operations.ts';

/** A GraphQL endpoint and the headers every request to it carries. */
export interface Endpoint {
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
}

const SAMPLES = 3;

export async function send(target: Endpoint, operation: GraphQLOperation): Promise<Record<string, unknown>> {
  const response = await fetch(target.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...target.headers },
    body: JSON.stringify(operation),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`${target.endpoint}: HTTP ${response.status}: ${body.slice(0, 300)}`);
  try {
    return dataOf(body);
  } catch (error) {
    throw new Error(`${target.endpoint}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

interface TicketShape {
  readonly id?: unknown;
  readonly title?: unknown;
  readonly labels?: unknown;
}

function expectBenchTicket(target: Endpoint, ticket: TicketShape | undefined, id?: string): string {
  if (typeof ticket?.id !== 'string' || ticket.title !== 'Bench ticket' || (id !== undefined && ticket.id !== id)) {
    throw new Error(`${target.endpoint}: unexpected ticket ${JSON.stringify(ticket)}`);
  }
  if (ticket.labels !== undefined && JSON.stringify(ticket.labels) !== '["bench"]') {
    throw new Error(`${target.endpoint}: unexpected labels ${JSON.stringify(ticket.labels)}`);
  }
  return ticket.id;
}

/** Creates a few tickets and reads one back a few times; returns its id for the read load. */
export async function checkTicketRoundTrip(target: Endpoint): Promise<string> {
  const ids: string[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const data = await send(target, createTicketOperation);
    const payload = data['createTicket'] as { ticket?: TicketShape } | undefined;
    ids.push(expectBenchTicket(target, payload?.ticket));
  }
  const [id] = ids;
  if (id === undefined) throw new Error('no ticket created');
  for (let i = 0; i < SAMPLES; i += 1) {
    const data = await send(target, readTicketOperation(id));
    expectBenchTicket(target, data['ticket'] as TicketShape | undefined, id);
  }
  return id;
}

interface ListedTicket {
  readonly id: string;
  readonly mappings: readonly unknown[];
  readonly openConflicts: readonly unknown[];
  readonly comments: { readonly edges: readonly unknown[] };
}

/** What one answer to the list operation holds, for comparing Lockstep's with the baseline's. */
export interface ListSummary {
  readonly ids: string;
  readonly mappings: number;
  readonly conflicts: number;
  readonly comments: number;
}

/** Sends the list operation once and checks it is a full page; returns what it held. */
export async function checkTicketList(target: Endpoint): Promise<ListSummary> {
  const data = await send(target, listTicketsOperation);
  const edges = (data['tickets'] as { edges?: Array<{ node: ListedTicket }> } | undefined)?.edges ?? [];
  if (edges.length !== LIST_SIZE) throw new Error(`${target.endpoint}: tickets(first: ${LIST_SIZE}) gave ${edges.length} tickets`);
  const nodes = edges.map((edge) => edge.node);
  const total = (count: (node: ListedTicket) => number) => nodes.reduce((sum, node) => sum + count(node), 0);
  return {
    ids: nodes.map((node) => node.id).join(','),
    mappings: total((node) => node.mappings.length),
    conflicts: total((node) => node.openConflicts.length),
    comments: total((node) => node.comments.edges.length),
  };
}
