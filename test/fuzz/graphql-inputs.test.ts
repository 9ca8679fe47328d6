// GraphQL inputs fuzzed over HTTP against one running Lockstep: createTicket and updateTicket get
// arbitrary, hostile and almost-valid inputs, queries get hostile ids and filters. Every answer is
// 200 or a 4xx, its errors are the caller's (never INTERNAL_SERVER_ERROR), and a refused mutation
// changes nothing: no ticket appears, the edited ticket stays as it was.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { query } from '#test/support/databases.ts';
import type { GraphQLResponse } from '#test/support/graphql-client.ts';
import { useLockstep } from '#test/support/lockstep.ts';
import { hostileString } from './mutations.ts';

const suite = useLockstep();
const runs = Number(process.env['FUZZ_HTTP_RUNS'] ?? 30);

const enumValue = (valid: readonly string[]) =>
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: hostileString });
const text = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Ticket fields as a careless or hostile client could send them. */
const ticketFields = fc.record(
  {
    title: text,
    description: text,
    status: enumValue(['OPEN', 'ACKNOWLEDGED', 'IN_PROGRESS', 'BLOCKED', 'RESOLVED', 'CLOSED']),
    priority: enumValue(['P1', 'P2', 'P3', 'P4', 'P5']),
    kind: enumValue(['TICKET', 'INCIDENT', 'ALERT_GROUP']),
    privacy: enumValue(['LOCAL_ONLY', 'SHAREABLE', 'PUBLIC']),
    assignee: text,
    labels: fc.oneof(
      fc.array(fc.oneof(fc.string({ maxLength: 20 }), hostileString), { maxLength: 6 }),
      fc.constant(null),
      hostileString,
    ),
    unexpected: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);

const CREATE = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`;
const UPDATE = `mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }`;

/** The caller's fault, said clearly: an HTTP status below 500 and no masked internal error. */
function expectClearAnswer(result: GraphQLResponse, sent: unknown): void {
  const codes = (result.errors ?? []).map((error) => error.extensions?.['code'] ?? 'none');
  expect({ status: result.status, codes, errors: result.errors, sent }).toMatchObject({
    status: expect.toSatisfy((status: number) => status === 200 || (status >= 400 && status < 500)),
    codes: expect.not.arrayContaining(['INTERNAL_SERVER_ERROR']),
  });
  for (const error of result.errors ?? []) expect(error.message).toMatch(/\S/);
}

const ticketRows = async () =>
  Number((await query<{ n: string }>(suite.env.databaseUrl, 'select count(*) as n from tickets'))[0]?.n);
const ticketRow = async (id: string) =>
  (await query(suite.env.databaseUrl, 'select * from tickets where id = $1', [id]))[0];

let editedId = '';
beforeAll(async () => {
  const created = await suite.lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>(
    `mutation { createTicket(input: { title: "Fuzzed" }) { ticket { id } } }`,
  );
  editedId = created.createTicket.ticket.id;
});

describe('GraphQL inputs', () => {
  it('createTicket answers clearly, and a refusal creates nothing', async () => {
    await fc.assert(
      fc.asyncProperty(ticketFields, async (input) => {
        const before = await ticketRows();
        const result = await suite.lockstep.admin.request(CREATE, { input });
        expectClearAnswer(result, input);
        const refused = (result.errors?.length ?? 0) > 0;
        expect(await ticketRows()).toBe(refused ? before : before + 1);
      }),
      { numRuns: runs, endOnFailure: true },
    );
  });

  it('updateTicket answers clearly, and a refusal leaves the ticket as it was', async () => {
    const expectedVersion = fc.option(fc.oneof(hostileString, fc.base64String({ maxLength: 40 })), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(ticketFields, expectedVersion, async (fields, version) => {
        const input = { ...fields, id: editedId, ...(version === undefined ? {} : { expectedVersion: version }) };
        const before = await ticketRow(editedId);
        const result = await suite.lockstep.admin.request(UPDATE, { input });
        expectClearAnswer(result, input);
        const refused = (result.errors?.length ?? 0) > 0;
        const after = await ticketRow(editedId);
        expect({ refused, unchanged: JSON.stringify(after) === JSON.stringify(before) }).not.toEqual({
          refused: true,
          unchanged: false,
        });
      }),
      { numRuns: runs, endOnFailure: true },
    );
  });

  it('queries with hostile ids and filters answer clearly', async () => {
    const filter = fc.record(
      { text: hostileString, label: hostileString, assignee: hostileString, status: enumValue(['OPEN', 'CLOSED']) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        hostileString,
        filter,
        fc.integer({ min: -5, max: 500 }),
        hostileString,
        async (id, where, first, after) => {
          const one = await suite.lockstep.admin.request(`query($id: ID!) { ticket(id: $id) { id } }`, { id });
          expectClearAnswer(one, { id });
          const page = await suite.lockstep.admin.request(
            `query($f: TicketFilter, $first: Int, $after: String) {
              tickets(first: $first, after: $after, filter: $f) { edges { node { id } } }
            }`,
            { f: where, first, after },
          );
          expectClearAnswer(page, { where, first, after });
        },
      ),
      { numRuns: runs, endOnFailure: true },
    );
  });
});
