// The two GraphQL operations the API bench sends, and the one check of a response body, shared by
// the load generator, the sample check and the bare baseline: Lockstep and its baseline answer
// exactly the same requests and are judged by exactly the same rule.

/** One GraphQL request body. */
export interface GraphQLOperation {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
}

export const CREATE_TICKET =
  'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id title status version } } }';

export const READ_TICKET = 'query($id: ID!) { ticket(id: $id) { id title status priority labels version } }';

/** Creates a ticket; every request of the load sends this very body. */
export const createTicketOperation: GraphQLOperation = {
  query: CREATE_TICKET,
  variables: { input: { title: 'Bench ticket', labels: ['bench'] } },
};

/** Reads the ticket `id`, created beforehand. */
export function readTicketOperation(id: string): GraphQLOperation {
  return { query: READ_TICKET, variables: { id } };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Why `body` is not a clean GraphQL answer, or undefined when it is: it parses as JSON, carries no
 * `errors`, and every root field of `data` is non-null (a nullable field that failed is null).
 */
export function problemWith(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
  if (!isRecord(parsed)) return `not a JSON object: ${body.slice(0, 200)}`;
  if (parsed['errors'] !== undefined) return `GraphQL errors: ${JSON.stringify(parsed['errors']).slice(0, 300)}`;
  const data = parsed['data'];
  if (!isRecord(data)) return `no data: ${body.slice(0, 200)}`;
  const missing = Object.entries(data).filter(([, value]) => value === null || value === undefined);
  if (missing.length > 0) return `null root field ${missing.map(([field]) => field).join(', ')}`;
  return undefined;
}

/** The `data` of a clean answer; throws naming the problem otherwise. */
export function dataOf(body: string): Record<string, unknown> {
  const problem = problemWith(body);
  if (problem !== undefined) throw new Error(problem);
  const { data } = JSON.parse(body) as { data: Record<string, unknown> };
  return data;
}

/** How many tickets the list operation asks for. */
export const LIST_SIZE = 50;

export const LIST_TICKETS = `query($first: Int!) {
  tickets(first: $first) {
    edges { cursor node {
      id title status priority labels version
      mappings { id externalId project { id name } }
      openConflicts { id field }
      comments(first: 5) { edges { cursor node { id body author } } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The newest LIST_SIZE tickets with their links, open conflicts and first five comments. */
export const listTicketsOperation: GraphQLOperation = { query: LIST_TICKETS, variables: { first: LIST_SIZE } };
