import { describe, expect, it } from 'vitest';
import { Ticket, type WriteContext } from '#domain/ticket/ticket.ts';
import { FieldHeldByConflict, InvalidTicketInput, InvalidVersionToken } from '#domain/errors.ts';
import type { DomainEvent } from '#domain/events.ts';

function context(actor = 'ada'): WriteContext & { tickMs: () => void } {
  let n = 0;
  let now = 1_700_000_000_000;
  return { replica: 'hub', actor, get nowMs() { return now; }, newId: () => `id-${++n}`, tickMs: () => { now += 1000; } };
}

const created = () => {
  const ctx = context();
  const { ticket, events } = Ticket.create({ title: '  Disk full ', labels: ['ops', ' db', 'ops'] }, ctx);
  return { ticket, events, ctx };
};

const types = (events: DomainEvent[]) => events.map((e) => e.type);

describe('Ticket.create', () => {
  it('normalises values, applies defaults and emits ticket.created with a snapshot', () => {
    const { ticket, events } = created();
    expect(ticket).toMatchObject({ title: 'Disk full', status: 'open', priority: 'p3', kind: 'ticket', privacy: 'shareable', assignee: null, labels: ['db', 'ops'], description: '' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'ticket.created', ticketId: ticket.id, version: ticket.version, snapshot: { title: 'Disk full', labels: ['db', 'ops'] } });
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
    expect(JSON.parse(JSON.stringify(ticket.registers))).toEqual(ticket.registers);
  });

  it('refuses invalid input with a typed error naming the field', () => {
    const ctx = context();
    expect(() => Ticket.create({ title: '   ' }, ctx)).toThrow(InvalidTicketInput);
    expect(() => Ticket.create({} as never, ctx)).toThrow(/title: is required/);
    expect(() => Ticket.create({ title: 'ok', customFields: { bad: undefined } as never }, ctx)).toThrow(/customFields.bad: must be a JSON value/);
    expect(() => Ticket.create({ title: 'x'.repeat(501) }, ctx)).toThrow(/title/);
    expect(() => Ticket.create({ title: 'ok', status: 'done' as never }, ctx)).toThrow(/status: must be one of/);
    expect(() => Ticket.create({ title: 'ok', labels: ['a', ' '] }, ctx)).toThrow(/labels/);
    expect(() => Ticket.create({ title: 'ok', priority: 'P1' as never }, ctx)).toThrow(/priority/);
  });
});

describe('Ticket.edit', () => {
  it('applies a change, emits per-field changes and moves the version', () => {
    const { ticket, ctx } = created();
    const before = ticket.version;
    const { events, conflicts } = ticket.edit({ status: 'acknowledged', title: 'Disk full' }, ctx);
    expect(conflicts).toEqual([]);
    expect(ticket.status).toBe('acknowledged');
    expect(ticket.version).not.toBe(before);
    expect(events).toMatchObject([{ type: 'ticket.updated', version: ticket.version, changes: [{ field: 'status', from: 'open', to: 'acknowledged', origin: { replica: 'hub', actor: 'ada' } }] }]);
  });

  it('an edit to equal values is a no-op: no event, same version', () => {
    const { ticket, ctx } = created();
    const before = ticket.version;
    expect(ticket.edit({ title: 'Disk full ', labels: ['ops', 'db'] }, ctx)).toEqual({ events: [], conflicts: [] });
    expect(ticket.version).toBe(before);
  });

  it('a stale expectedVersion applies the fields nobody changed since', () => {
    const { ticket, ctx } = created();
    const read = ticket.version;
    ticket.edit({ status: 'in_progress' }, ctx);
    const { events, conflicts } = ticket.edit({ priority: 'p1' }, { ...ctx, expectedVersion: read });
    expect(conflicts).toEqual([]);
    expect(ticket.priority).toBe('p1');
    expect(ticket.status).toBe('in_progress');
    expect(types(events)).toEqual(['ticket.updated']);
  });

  it('a stale expectedVersion on a field changed since to another value opens a conflict with both values', () => {
    const { ticket, ctx } = created();
    const read = ticket.version;
    ticket.edit({ title: 'Disk full on db-1' }, { ...ctx, actor: 'bob' });
    const { events, conflicts } = ticket.edit({ title: 'Disk almost full', status: 'blocked' }, { ...ctx, expectedVersion: read });
    expect(ticket.title).toBe('Disk full on db-1');
    expect(ticket.status).toBe('blocked');
    expect(conflicts).toHaveLength(1);
    const [conflict] = conflicts;
    expect(conflict).toMatchObject({ field: 'title', projectId: null, status: 'open', strategy: 'manual', ticketId: ticket.id });
    expect(conflict?.candidates.map((c) => [c.value, c.origin.actor])).toEqual([['Disk full on db-1', 'bob'], ['Disk almost full', 'ada']]);
    expect(types(events)).toEqual(['ticket.updated', 'conflict.detected']);
    expect(ticket.isHeld('title')).toBe(true);
    expect(ticket.isHeld('status')).toBe(false);
    expect(() => ticket.edit({ title: 'again' }, ctx)).toThrow(FieldHeldByConflict);
  });

  it('a stale expectedVersion on a field changed since to the same value is a no-op', () => {
    const { ticket, ctx } = created();
    const read = ticket.version;
    ticket.edit({ assignee: 'cy' }, ctx);
    const after = ticket.version;
    expect(ticket.edit({ assignee: ' cy ' }, { ...ctx, expectedVersion: read })).toEqual({ events: [], conflicts: [] });
    expect(ticket.version).toBe(after);
  });

  it('two writers with the same current version: the second is concurrent, not lost', () => {
    const { ticket, ctx } = created();
    const read = ticket.version;
    ticket.edit({ description: 'from A' }, { ...ctx, expectedVersion: read });
    const { conflicts } = ticket.edit({ description: 'from B' }, { ...ctx, expectedVersion: read });
    expect(conflicts[0]?.candidates.map((c) => c.value)).toEqual(['from A', 'from B']);
  });

  it('refuses an expectedVersion that cannot be decoded or belongs to no state of this ticket', () => {
    const { ticket, ctx } = created();
    expect(() => ticket.edit({ title: 'x' }, { ...ctx, expectedVersion: 'garbage' })).toThrow(InvalidVersionToken);
    const other = Ticket.create({ title: 'other' }, ctx).ticket;
    other.edit({ title: 'other 2' }, ctx);
    expect(() => ticket.edit({ title: 'x' }, { ...ctx, expectedVersion: other.version })).toThrow(InvalidVersionToken);
    expect(ticket.title).toBe('Disk full');
  });

  it('validates the whole patch before changing anything', () => {
    const { ticket, ctx } = created();
    expect(() => ticket.edit({ status: 'closed', title: '' }, ctx)).toThrow(InvalidTicketInput);
    expect(ticket.status).toBe('open');
  });

  it('versions custom fields one by one', () => {
    const { ticket, ctx } = created();
    const read = ticket.version;
    ticket.edit({ customFields: { severity: 2 } }, ctx);
    const { conflicts } = ticket.edit({ customFields: { severity: 3, team: 'sre' } }, { ...ctx, expectedVersion: read });
    expect(ticket.customFields).toEqual({ severity: 2, team: 'sre' });
    expect(conflicts.map((c) => c.field)).toEqual(['customFields.severity']);
  });
});

describe('persistence shape', () => {
  it('works when rebuilt from its JSON properties without calling a constructor (as MikroORM loads it)', () => {
    const { ticket, ctx } = created();
    const read = ticket.version;
    ticket.edit({ title: 'Disk full on db-1' }, ctx);
    const row = JSON.parse(JSON.stringify({ ...ticket }));
    const loaded: Ticket = Object.assign(Object.create(Ticket.prototype), row, { createdAt: ticket.createdAt, updatedAt: ticket.updatedAt });
    expect(Object.keys(row).sort()).toEqual(['assignee', 'clock', 'createdAt', 'customFields', 'description', 'id', 'kind', 'labels', 'originReplica', 'priority', 'privacy', 'registers', 'status', 'title', 'updatedAt']);
    expect(loaded.version).toBe(ticket.version);
    const { conflicts } = loaded.edit({ title: 'Disk at 99%' }, { ...ctx, expectedVersion: read });
    expect(conflicts).toHaveLength(1);
  });
});
