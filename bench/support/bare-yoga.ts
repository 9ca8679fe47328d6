// The API bench's baselines: graphql-yoga alone with a hand-written pg script behind it — no auth,
// no ORM, no NATS — so the ratio to it is the price of what Lockstep adds around the GraphQL engine
// and the database (routing, tokens, metrics, MikroORM, the outbox relay). `ticket(id)` answers
// from an in-memory Map (the engine alone); `createTicket` does the inserts Lockstep does (the
// ticket row and its outbox row) in one transaction, into tables of the same shape in a schema of
// its own; `tickets` reads Lockstep's own tables with one query per list. A second instance can
// answer `ticket(id)` from its row instead (context: the engine plus one select).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import pg from 'pg';

const typeDefs = /* GraphQL */ `
  enum TicketStatus { OPEN ACKNOWLEDGED IN_PROGRESS BLOCKED RESOLVED CLOSED }
  enum Priority { P1 P2 P3 P4 P5 }
  type ExternalProject { id: ID! name: String! }
  type TicketMapping { id: ID! externalId: String! project: ExternalProject! }
  type Conflict { id: ID! field: String! }
  type Comment { id: ID! body: String! author: String! }
  type CommentEdge { cursor: String! node: Comment! }
  type CommentConnection { edges: [CommentEdge!]! }
  type Ticket {
    id: ID!
    title: String!
    status: TicketStatus!
    priority: Priority!
    labels: [String!]!
    version: String!
    mappings: [TicketMapping!]!
    openConflicts: [Conflict!]!
    comments(first: Int): CommentConnection!
  }
  type TicketEdge { cursor: String! node: Ticket! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type TicketConnection { edges: [TicketEdge!]! pageInfo: PageInfo! }
  input CreateTicketInput { title: String! labels: [String!] }
  type TicketPayload { ticket: Ticket! }
  type Query { ticket(id: ID!): Ticket tickets(first: Int): TicketConnection! }
  type Mutation { createTicket(input: CreateTicketInput!): TicketPayload! }
`;

interface StoredTicket {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly priority: string;
  readonly labels: readonly string[];
  readonly version: string;
}

interface ListedTicket extends StoredTicket {
  readonly mappings: unknown[];
  readonly openConflicts: unknown[];
  readonly comments: Array<{ id: string; body: string; author: string }>;
}

/** A running baseline server on a free loopback port. */
export interface BareYoga extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234`; GraphQL is on `/graphql`. */
  readonly url: string;
}

/** The schema the baseline writes to: Lockstep's tables' shape (columns, indexes), none of its rows. */
const SETUP = `
  create schema if not exists bare;
  create table if not exists bare.tickets (like public.tickets including all);
  create table if not exists bare.outbox (like public.outbox including defaults including indexes);
`;

const INSERT_TICKET = `insert into bare.tickets
  (id, kind, privacy, title, description, status, priority, assignee, labels, custom_fields, registers, clock, created_at, updated_at, origin_replica)
  values ($1, 'task', 'public', $2, '', 'open', 'p3', null, $3, '{}', $4, $5, $6, $6, 'hub')`;
const INSERT_OUTBOX = 'insert into bare.outbox (id, subject, type, payload, created_at) values ($1, $2, $3, $4, $5)';

const LIST_TICKETS = 'select id, title, status, priority, labels, clock from tickets order by created_at desc, id desc limit $1';
const LIST_MAPPINGS = `select id, ticket_id, project_id, external_id from sync_mappings
  where ticket_id = any($1::uuid[]) and status = 'linked' order by linked_at, id`;
const LIST_PROJECTS = 'select id, name from external_projects where id = any($1::uuid[])';
const LIST_CONFLICTS = `select id, ticket_id, field from conflicts where ticket_id = any($1::uuid[]) and status = 'open' order by detected_at, id`;
const LIST_COMMENTS = `select c.id, c.ticket_id, c.body, c.author from unnest($1::uuid[]) as t(id)
  cross join lateral (select * from comments where ticket_id = t.id and deleted_at is null order by created_at, id limit $2) c`;

/** The ticket's versioned state, built as Lockstep stores it (a register per field, one clock). */
function versionedState(title: string, labels: readonly string[], nowMs: number) {
  const write = { dot: { replica: 'hub', counter: 1 }, at: { wall: nowMs, logical: 0, node: 'hub' }, origin: { replica: 'hub', actor: 'bench' } };
  const values = { title, description: '', status: 'open', priority: 'p3', assignee: null, labels, privacy: 'public', kind: 'task' };
  const registers = Object.fromEntries(Object.entries(values).map(([field, value]) => [field, { siblings: [{ value, ...write }] }]));
  return { values, registers, clock: { vector: { hub: 1 }, hlc: write.at } };
}

const groupBy = <T extends { ticket_id: string }>(rows: readonly T[]) => {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(row.ticket_id, [...(groups.get(row.ticket_id) ?? []), row]);
  return groups;
};

/** Where `ticket(id)` reads: the in-memory Map (the engine alone) or the ticket row (engine + one select). */
export type TicketSource = 'memory' | 'database';

const READ_TICKET = 'select id, title, status, priority, labels, clock from bare.tickets where id = $1';

/** Starts the baseline on the database at `databaseUrl` (Lockstep's, already migrated); dispose it to close the port and pool. */
export async function startBareYoga(databaseUrl: string, source: TicketSource = 'memory'): Promise<BareYoga> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(SETUP);
  const tickets = new Map<string, StoredTicket>();

  async function createTicket(title: string, labels: readonly string[]): Promise<StoredTicket> {
    const id = randomUUID();
    const now = new Date();
    const { values, registers, clock } = versionedState(title, labels, now.getTime());
    const ticket: StoredTicket = { id, title, status: 'OPEN', priority: 'P3', labels, version: 'bare:1' };
    const event = { type: 'ticket.created', ticketId: id, at: now.toISOString(), version: ticket.version, origin: { replica: 'hub' }, snapshot: { id, ...values } };
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(INSERT_TICKET, [id, title, labels, registers, clock, now]);
      const eventId = randomUUID();
      await client.query(INSERT_OUTBOX, [eventId, `bare.ticket.${id}`, event.type, { ...event, eventId }, now]);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    tickets.set(id, ticket);
    return ticket;
  }

  async function readTicket(id: string): Promise<StoredTicket | null> {
    const { rows } = await pool.query<{ id: string; title: string; status: string; priority: string; labels: string[] }>(READ_TICKET, [id]);
    const row = rows[0];
    if (!row) return null;
    return { id: row.id, title: row.title, status: row.status.toUpperCase(), priority: row.priority.toUpperCase(), labels: row.labels, version: 'bare:1' };
  }

  async function listTickets(first: number): Promise<{ edges: Array<{ cursor: string; node: ListedTicket }>; pageInfo: unknown }> {
    const page = await pool.query<{ id: string; title: string; status: string; priority: string; labels: string[] }>(LIST_TICKETS, [first + 1]);
    const rows = page.rows.slice(0, first);
    const ids = rows.map((row) => row.id);
    const [mappings, conflicts, comments] = await Promise.all([
      pool.query<{ id: string; ticket_id: string; project_id: string; external_id: string }>(LIST_MAPPINGS, [ids]),
      pool.query<{ id: string; ticket_id: string; field: string }>(LIST_CONFLICTS, [ids]),
      pool.query<{ id: string; ticket_id: string; body: string; author: string }>(LIST_COMMENTS, [ids, 5]),
    ]);
    const projectIds = [...new Set(mappings.rows.map((row) => row.project_id))];
    const projects = new Map((await pool.query<{ id: string; name: string }>(LIST_PROJECTS, [projectIds])).rows.map((row) => [row.id, row]));
    const mappingsOf = groupBy(mappings.rows);
    const conflictsOf = groupBy(conflicts.rows);
    const commentsOf = groupBy(comments.rows);
    const edges = rows.map((row) => ({
      cursor: row.id,
      node: {
        id: row.id,
        title: row.title,
        status: row.status.toUpperCase(),
        priority: row.priority.toUpperCase(),
        labels: row.labels,
        version: 'bare:1',
        mappings: (mappingsOf.get(row.id) ?? []).map((m) => ({ id: m.id, externalId: m.external_id, project: projects.get(m.project_id) })),
        openConflicts: conflictsOf.get(row.id) ?? [],
        comments: commentsOf.get(row.id) ?? [],
      },
    }));
    return { edges, pageInfo: { hasNextPage: page.rows.length > first, endCursor: rows.at(-1)?.id ?? null } };
  }

  const schema = createSchema({
    typeDefs,
    resolvers: {
      Query: {
        ticket: (_root: unknown, args: { id: string }) => (source === 'memory' ? (tickets.get(args.id) ?? null) : readTicket(args.id)),
        tickets: (_root: unknown, args: { first?: number | null }) => listTickets(args.first ?? 20),
      },
      Ticket: {
        mappings: (ticket: Partial<ListedTicket>) => ticket.mappings ?? [],
        openConflicts: (ticket: Partial<ListedTicket>) => ticket.openConflicts ?? [],
        comments: (ticket: Partial<ListedTicket>, args: { first?: number | null }) => ({
          edges: (ticket.comments ?? []).slice(0, args.first ?? 20).map((node) => ({ cursor: node.id, node })),
        }),
      },
      Mutation: {
        createTicket: async (_root: unknown, args: { input: { title: string; labels?: string[] | null } }) => ({
          ticket: await createTicket(args.input.title, [...(args.input.labels ?? [])].sort()),
        }),
      },
    },
  });
  const yoga = createYoga({ schema, graphqlEndpoint: '/graphql', landingPage: false, logging: false });
  const server = createServer(yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await pool.end();
    },
  };
}
