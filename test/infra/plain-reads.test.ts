// Plain reads (the GraphQL display reads that skip MikroORM) give exactly what `em.find` gives:
// instances of the domain class with the same values (dates as Dates, JSON as objects, arrays,
// nulls), and the ticket list statement selects and orders as the filters and keyset page say.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Comment } from '#domain/comment/comment.ts';
import { Conflict } from '#domain/conflict/conflict.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { createLogger } from '#infra/logger.ts';
import { pagePerKey } from '#infra/persistence/page-per-key.ts';
import { createPlainReads, type PlainReads } from '#infra/persistence/plain-reads.ts';
import { openDatabase, type Orm } from '#infra/persistence/orm.ts';
import { ticketListStatement } from '#infra/services/tickets-list.ts';
import { sampleProject } from '#test/support/sample-project.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';

let env: TestEnvironment;
let orm: Orm;
let plain: PlainReads;
const tickets: Ticket[] = [];
let projectId: string;

const write = (nowMs: number) => ({ replica: 'hub', actor: 'tester', nowMs, newId: randomUUID });

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  orm = await openDatabase(env.databaseUrl, createLogger('silent'));
  plain = createPlainReads(orm.em.fork());
  const em = orm.em.fork();
  const project = sampleProject({ id: randomUUID(), name: 'Ops' });
  projectId = project.id;
  em.persist(project);
  const base = Date.UTC(2026, 10, 1, 12, 0, 0, 123);
  for (let i = 0; i < 6; i++) {
    const { ticket } = Ticket.create(
      {
        title: i % 2 === 0 ? `Printer ${i} on fire` : `Disk ${i} full`,
        labels: i % 3 === 0 ? ['ops', 'hardware'] : ['ops'],
        customFields: { team: `t${i}`, nested: { n: i } },
        ...(i === 1 ? { assignee: 'ana' } : {}),
      },
      // Two tickets share a creation time, so the keyset must fall back to the id.
      write(base + Math.min(i, 4) * 1000),
    );
    tickets.push(ticket);
    em.persist(ticket);
  }
  const [first] = tickets;
  if (!first) throw new Error('no ticket');
  const stale = first.version;
  first.edit({ title: 'Printer on fire, again' }, write(base + 10_000));
  const { conflicts } = first.edit({ title: 'Printer fixed' }, { ...write(base + 11_000), expectedVersion: stale });
  for (const conflict of conflicts) em.persist(conflict);
  em.persist(SyncMapping.link({ id: randomUUID(), ticket: first, projectId, externalId: 'OPS-1', fields: ['title', 'status'], nowMs: base }));
  for (let i = 0; i < 3; i++) {
    em.persist(Comment.post({ id: randomUUID(), ticketId: first.id, body: `comment ${i}` }, { origin: 'hub', author: 'tester', atMs: base + i }).comment);
  }
  if (conflicts.length !== 1) throw new Error(`expected one conflict from the stale edit, got ${conflicts.length}`);
  await em.flush();
});

afterAll(async () => {
  await orm.close();
  await env.cleanup();
});

/** The same rows through MikroORM, as plain copies with their class. */
function asLoaded<T extends object>(entities: readonly T[]): Array<{ proto: object | null; values: Record<string, unknown> }> {
  return entities.map((entity) => ({ proto: Object.getPrototypeOf(entity) as object | null, values: { ...entity } as Record<string, unknown> }));
}

describe('plain reads', () => {
  it('map every entity the API displays exactly as MikroORM hydrates it', async () => {
    const cases: Array<[string, () => Promise<object[]>, () => Promise<object[]>]> = [
      ['tickets', () => plain.all(Ticket, 'select * from tickets order by id', []), () => orm.em.fork().find(Ticket, {}, { orderBy: { id: 'asc' } })],
      ['conflicts', () => plain.all(Conflict, 'select * from conflicts order by id', []), () => orm.em.fork().find(Conflict, {}, { orderBy: { id: 'asc' } })],
      ['projects', () => plain.all(ExternalProject, 'select * from external_projects order by id', []), () => orm.em.fork().find(ExternalProject, {}, { orderBy: { id: 'asc' } })],
      ['mappings', () => plain.all(SyncMapping, 'select * from sync_mappings order by id', []), () => orm.em.fork().find(SyncMapping, {}, { orderBy: { id: 'asc' } })],
      ['comments', () => plain.all(Comment, 'select * from comments order by id', []), () => orm.em.fork().find(Comment, {}, { orderBy: { id: 'asc' } })],
    ];
    for (const [what, read, hydrated] of cases) {
      const [mine, theirs] = [await read(), await hydrated()];
      expect({ what, rows: mine.length > 0 }).toEqual({ what, rows: true });
      expect({ what, loaded: asLoaded(mine) }).toStrictEqual({ what, loaded: asLoaded(theirs) });
    }
    const [ticket] = await plain.all(Ticket, 'select * from tickets where id = $1', [tickets[0]?.id]);
    expect(ticket?.createdAt).toBeInstanceOf(Date);
    expect(ticket?.version).toBe((await orm.em.fork().findOneOrFail(Ticket, { id: tickets[0]?.id ?? '' })).version);
  });

  it('copy an instance deeply: the copy has the class and the values, and editing it leaves the original', async () => {
    const [ticket] = await plain.all(Ticket, 'select * from tickets where id = $1', [tickets[0]?.id]);
    if (!ticket) throw new Error('no ticket to copy');
    const before = asLoaded([ticket]);
    const copy = plain.copy(Ticket, ticket);
    expect(asLoaded([copy])).toStrictEqual(before);
    copy.edit({ labels: ['copied'], description: 'Edited copy' }, write(Date.now()));
    expect(asLoaded([ticket])).toStrictEqual(before);
    expect([copy.description, copy.labels]).toEqual(['Edited copy', ['copied']]);
  });

  it('pages a child table per parent, oldest first, after a position', async () => {
    const first = tickets[0]?.id ?? '';
    const page = await pagePerKey(plain, Comment, { key: 'ticketId', ids: [first, randomUUID()], orderBy: 'createdAt', direction: 'asc', limit: 2 });
    expect([...page.keys()]).toEqual([first]);
    expect(page.get(first)?.map((comment) => comment.body)).toEqual(['comment 0', 'comment 1']);
    const second = page.get(first)?.[1];
    const rest = await pagePerKey(plain, Comment, {
      key: 'ticketId',
      ids: [first],
      orderBy: 'createdAt',
      direction: 'asc',
      limit: 2,
      ...(second ? { after: { at: second.createdAt, id: second.id } } : {}),
    });
    expect(rest.get(first)?.map((comment) => comment.body)).toEqual(['comment 2']);
  });
});

describe('the ticket list statement', () => {
  const list = async (...args: Parameters<typeof ticketListStatement>) => {
    const { sql, params } = ticketListStatement(...args);
    return (await plain.all(Ticket, sql, params)).map((ticket) => ticket.id);
  };
  /** The expected order: newest first by (createdAt, id). */
  const newestFirst = () =>
    [...tickets].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((ticket) => ticket.id);

  it('pages newest first by creation time then id, both ways', async () => {
    const all = newestFirst();
    expect(await list({}, { limit: 10 })).toEqual(all);
    const byId = new Map(tickets.map((ticket) => [ticket.id, ticket]));
    const position = (id: string | undefined) => {
      const ticket = byId.get(id ?? '');
      if (!ticket) throw new Error('no such ticket');
      return { at: ticket.createdAt, id: ticket.id };
    };
    // The cursor sits on one of the two tickets created at the same millisecond.
    const tied = all.findIndex((id, i) => i + 1 < all.length && byId.get(id)?.createdAt.getTime() === byId.get(all[i + 1] ?? '')?.createdAt.getTime());
    expect(tied).toBeGreaterThanOrEqual(0);
    expect(await list({}, { after: position(all[tied]), limit: 2 })).toEqual(all.slice(tied + 1, tied + 3));
    expect(await list({}, { before: position(all[tied + 1]), limit: 10, inverted: true })).toEqual(all.slice(0, tied + 1).reverse());
  });

  it('filters by status, label, assignee and text (case-insensitive, wildcards literal)', async () => {
    const expected = (keep: (ticket: Ticket) => boolean) => newestFirst().filter((id) => keep(tickets.find((ticket) => ticket.id === id) as Ticket));
    expect(await list({ label: 'hardware' }, { limit: 10 })).toEqual(expected((ticket) => ticket.labels.includes('hardware')));
    expect(await list({ assignee: 'ana' }, { limit: 10 })).toEqual(expected((ticket) => ticket.assignee === 'ana'));
    expect(await list({ text: 'PRINTER' }, { limit: 10 })).toEqual(expected((ticket) => ticket.title.toLowerCase().includes('printer')));
    expect(await list({ text: '%' }, { limit: 10 })).toEqual([]);
    expect(await list({ status: ['closed'] }, { limit: 10 })).toEqual([]);
    expect(await list({ status: ['open', 'closed'], label: 'ops', text: 'disk' }, { limit: 10 })).toEqual(expected((ticket) => ticket.title.startsWith('Disk')));
  });
});
