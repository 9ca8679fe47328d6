// The API bench's baseline: graphql-yoga alone, answering the same two operations from an
// in-memory Map — no auth, no database, no NATS — so the ratio to it is the price of what Lockstep
// adds around the GraphQL engine (routing, tokens, metrics, PostgreSQL, the outbox).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';

const typeDefs = /* GraphQL */ `
  enum TicketStatus { OPEN ACKNOWLEDGED IN_PROGRESS BLOCKED RESOLVED CLOSED }
  enum Priority { P1 P2 P3 P4 P5 }
  type Ticket {
    id: ID!
    title: String!
    status: TicketStatus!
    priority: Priority!
    labels: [String!]!
    version: String!
  }
  input CreateTicketInput { title: String! labels: [String!] }
  type TicketPayload { ticket: Ticket! }
  type Query { ticket(id: ID!): Ticket }
  type Mutation { createTicket(input: CreateTicketInput!): TicketPayload! }
`;

interface StoredTicket {
  readonly id: string;
  readonly title: string;
  readonly status: 'OPEN';
  readonly priority: 'P3';
  readonly labels: readonly string[];
  readonly version: string;
}

/** A running baseline server on a free loopback port. */
export interface BareYoga extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234`; GraphQL is on `/graphql`. */
  readonly url: string;
}

/** Starts the baseline; dispose it to close the port. */
export async function startBareYoga(): Promise<BareYoga> {
  const tickets = new Map<string, StoredTicket>();
  const schema = createSchema({
    typeDefs,
    resolvers: {
      Query: {
        ticket: (_root: unknown, args: { id: string }) => tickets.get(args.id) ?? null,
      },
      Mutation: {
        createTicket: (_root: unknown, args: { input: { title: string; labels?: string[] | null } }) => {
          const ticket: StoredTicket = {
            id: randomUUID(),
            title: args.input.title,
            status: 'OPEN',
            priority: 'P3',
            labels: [...(args.input.labels ?? [])].sort(),
            version: 'bare:1',
          };
          tickets.set(ticket.id, ticket);
          return { ticket };
        },
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
    },
  };
}
