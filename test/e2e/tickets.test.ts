// Tickets through the public API: create, read, list with filters and pages, edits against a
// version, and bad input that gets a clear error and changes nothing.
import { describe, expect, it } from 'vitest';
import { query } from '#test/support/databases.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const CREATE = `mutation($input: CreateTicketInput!) {
  createTicket(input: $input) { ticket { id title description status priority assignee labels privacy kind version } }
}`;
const UPDATE = `mutation($input: UpdateTicketInput!) {
  updateTicket(input: $input) {
    ticket { id title status labels version }
    conflicts { id field status candidates { value origin } ticket { id } }
  }
}`;

interface TicketData {
  id: string;
  title: string;
  status: string;
  labels: string[];
  version: string;
  [key: string]: unknown;
}

const suite = useLockstep();

async function create(input: Record<string, unknown>): Promise<TicketData> {
  const data = await suite.lockstep.admin.run<{ createTicket: { ticket: TicketData } }>(CREATE, { input });
  return data.createTicket.ticket;
}

const countRows = async (table: string) => Number((await query<{ n: string }>(suite.env.databaseUrl, `select count(*) as n from ${table}`))[0]?.n);

describe('tickets', () => {
  it('creates a ticket with defaults and reads it back', async () => {
    const created = await create({ title: '  Database is slow  ', labels: ['db', 'perf', 'db'] });
    expect(created).toMatchObject({
      title: 'Database is slow',
      description: '',
      status: 'OPEN',
      priority: 'P3',
      assignee: null,
      labels: ['db', 'perf'],
      privacy: 'SHAREABLE',
      kind: 'TICKET',
    });
    const read = await suite.lockstep.admin.run<{ ticket: TicketData }>(`query($id: ID!) { ticket(id: $id) { id title labels version } }`, {
      id: created.id,
    });
    expect(read.ticket).toEqual({ id: created.id, title: 'Database is slow', labels: ['db', 'perf'], version: created.version });
  });

  it('lists tickets newest first as a Relay connection, with filters on status, kind and text', async () => {
    const incident = await create({ title: 'Checkout returns 500', kind: 'INCIDENT', status: 'ACKNOWLEDGED' });
    const other = await create({ title: 'Rename the billing page', description: 'checkout copy too' });
    const list = `query($filter: TicketFilter, $first: Int, $after: String) {
      tickets(first: $first, after: $after, filter: $filter) { edges { cursor node { id title } } pageInfo { hasNextPage endCursor } }
    }`;
    type List = { tickets: { edges: Array<{ cursor: string; node: { id: string; title: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } };

    const byKind = await suite.lockstep.admin.run<List>(list, { filter: { kind: ['INCIDENT'] } });
    expect(byKind.tickets.edges.map((e) => e.node.id)).toEqual([incident.id]);
    const byStatus = await suite.lockstep.admin.run<List>(list, { filter: { status: ['ACKNOWLEDGED', 'BLOCKED'] } });
    expect(byStatus.tickets.edges.map((e) => e.node.id)).toEqual([incident.id]);
    const byText = await suite.lockstep.admin.run<List>(list, { filter: { text: 'CHECKOUT' } });
    expect(byText.tickets.edges.map((e) => e.node.id)).toEqual([other.id, incident.id]);
    const noMatch = await suite.lockstep.admin.run<List>(list, { filter: { text: '100%_' } });
    expect(noMatch.tickets.edges).toEqual([]);

    const first = await suite.lockstep.admin.run<List>(list, { first: 1 });
    expect(first.tickets.edges.map((e) => e.node.id)).toEqual([other.id]);
    expect(first.tickets.pageInfo.hasNextPage).toBe(true);
    const second = await suite.lockstep.admin.run<List>(list, { first: 1, after: first.tickets.pageInfo.endCursor });
    expect(second.tickets.edges.map((e) => e.node.id)).toEqual([incident.id]);
  });

  it('applies an edit and moves the version on; an equal edit changes nothing', async () => {
    const ticket = await create({ title: 'Flaky deploy' });
    const edited = await suite.lockstep.admin.run<{ updateTicket: { ticket: TicketData } }>(UPDATE, {
      input: { id: ticket.id, status: 'IN_PROGRESS', labels: ['ci'], expectedVersion: ticket.version },
    });
    expect(edited.updateTicket.ticket).toMatchObject({ status: 'IN_PROGRESS', labels: ['ci'] });
    expect(edited.updateTicket.ticket.version).not.toBe(ticket.version);
    const outboxBefore = await countRows('outbox');
    const again = await suite.lockstep.admin.run<{ updateTicket: { ticket: TicketData } }>(UPDATE, {
      input: { id: ticket.id, status: 'IN_PROGRESS' },
    });
    expect(again.updateTicket.ticket.version).toBe(edited.updateTicket.ticket.version);
    expect(await countRows('outbox')).toBe(outboxBefore);
  });

  it('never lets a stale expectedVersion silently overwrite: untouched fields apply, changed ones conflict', async () => {
    const ticket = await create({ title: 'Login loop', priority: 'P2' });
    await suite.lockstep.admin.run(UPDATE, { input: { id: ticket.id, title: 'Login loop on Safari' } });
    const stale = await suite.lockstep.admin.run<{
      updateTicket: { ticket: TicketData; conflicts: Array<{ id: string; field: string; status: string; candidates: Array<{ value: unknown }> }> };
    }>(UPDATE, { input: { id: ticket.id, title: 'Login loop on Firefox', status: 'BLOCKED', expectedVersion: ticket.version } });
    expect(stale.updateTicket.ticket.status).toBe('BLOCKED');
    expect(stale.updateTicket.ticket.title).toBe('Login loop on Safari');
    expect(stale.updateTicket.conflicts).toHaveLength(1);
    const [conflict] = stale.updateTicket.conflicts;
    expect(conflict?.field).toBe('title');
    expect(conflict?.status).toBe('OPEN');
    expect(conflict?.candidates.map((c) => c.value).sort()).toEqual(['Login loop on Firefox', 'Login loop on Safari']);

    const listed = await suite.lockstep.admin.run<{ conflicts: { edges: Array<{ node: { id: string } }> } }>(
      `query($ticketId: ID) { conflicts(filter: { status: OPEN, ticketId: $ticketId }) { edges { node { id } } } }`,
      { ticketId: ticket.id },
    );
    expect(listed.conflicts.edges.map((e) => e.node.id)).toEqual([conflict?.id]);

    const resolve = `mutation($id: ID!, $value: JSON!) {
      resolveConflict(input: { conflictId: $id, value: $value }) { conflict { status resolution { value } } ticket { title } }
    }`;
    const resolved = await suite.lockstep.admin.run<{
      resolveConflict: { conflict: { status: string; resolution: { value: unknown } }; ticket: { title: string } };
    }>(resolve, { id: conflict?.id, value: 'Login loop on all browsers' });
    expect(resolved.resolveConflict).toEqual({
      conflict: { status: 'RESOLVED', resolution: { value: 'Login loop on all browsers' } },
      ticket: { title: 'Login loop on all browsers' },
    });
    const twice = await suite.lockstep.admin.request(resolve, { id: conflict?.id, value: 'Something else' });
    expect(twice.errors?.[0]?.extensions?.['code']).toBe('CONFLICT_ALREADY_RESOLVED');
    expect(twice.errors?.[0]?.message).toMatch(/already resolved/);
  });

  it('refuses bad input with a clear error and stores nothing', async () => {
    const tickets = await countRows('tickets');
    const outbox = await countRows('outbox');

    const empty = await suite.lockstep.admin.request(CREATE, { input: { title: '   ' } });
    expect(empty.errors?.[0]?.message).toMatch(/title.*must not be empty/);
    expect(empty.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');

    const badEnum = await suite.lockstep.admin.request(CREATE, { input: { title: 'x', status: 'SORT_OF_DONE' } });
    expect(badEnum.errors?.[0]?.message).toMatch(/SORT_OF_DONE/);

    const unknown = await suite.lockstep.admin.request(UPDATE, { input: { id: '00000000-0000-4000-8000-000000000000', title: 'x' } });
    expect(unknown.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const notAnId = await suite.lockstep.admin.request(UPDATE, { input: { id: 'nope', title: 'x' } });
    expect(notAnId.errors?.[0]?.message).toMatch(/No ticket with id "nope"/);

    const badVersion = await create({ title: 'Has a version' });
    const garbage = await suite.lockstep.admin.request(UPDATE, { input: { id: badVersion.id, title: 'y', expectedVersion: 'garbage' } });
    expect(garbage.errors?.[0]?.message).toMatch(/expectedVersion/);

    expect(await suite.lockstep.admin.run(`query { ticket(id: "00000000-0000-4000-8000-000000000000") { id } }`)).toEqual({ ticket: null });
    expect(await countRows('tickets')).toBe(tickets + 1);
    expect(await countRows('outbox')).toBe(outbox + 1);
  });
});
