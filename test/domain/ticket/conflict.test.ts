import { describe, expect, it } from 'vitest';
import { Ticket, type WriteContext } from '#domain/ticket/ticket.ts';
import { ConflictAlreadyResolved, ConflictMismatch, InvalidTicketInput } from '#domain/errors.ts';
import { decodeVersion } from '#domain/merge/version-token.ts';
import { compare } from '#domain/merge/version-vector.ts';

function conflicted() {
  let n = 0;
  const ctx: WriteContext = { replica: 'hub', actor: 'ada', nowMs: 1_000, newId: () => `id-${++n}` };
  const { ticket } = Ticket.create({ title: 'Printer on fire' }, ctx);
  const read = ticket.version;
  ticket.edit({ title: 'Printer smoking' }, { ...ctx, actor: 'bob' });
  const { conflicts } = ticket.edit({ title: 'Printer fine' }, { ...ctx, expectedVersion: read });
  const conflict = conflicts[0];
  if (!conflict) throw new Error('expected a conflict');
  return { ticket, conflict, ctx };
}

describe('Conflict resolution', () => {
  it('settles the field with a version that dominates every candidate and releases the hold', () => {
    const { ticket, conflict, ctx } = conflicted();
    const { events } = ticket.resolveConflict(conflict, 'Printer fine', { ...ctx, actor: 'rev' });
    expect(ticket.title).toBe('Printer fine');
    expect(ticket.isHeld('title')).toBe(false);
    expect(conflict.status).toBe('resolved');
    expect(conflict.resolution).toMatchObject({ value: 'Printer fine', by: 'rev', version: ticket.version });
    for (const candidate of conflict.candidates) {
      expect(compare(decodeVersion(ticket.version), decodeVersion(candidate.version))).toBe('after');
    }
    expect(events.map((e) => e.type)).toEqual(['ticket.updated', 'conflict.resolved']);
    ticket.edit({ title: 'Printer replaced' }, ctx);
    expect(ticket.title).toBe('Printer replaced');
  });

  it('emits no ticket.updated when the chosen value is the one shown', () => {
    const { ticket, conflict, ctx } = conflicted();
    const { events } = ticket.resolveConflict(conflict, 'Printer smoking', ctx);
    expect(events.map((e) => e.type)).toEqual(['conflict.resolved']);
  });

  it('refuses a second resolution with a clear typed error', () => {
    const { ticket, conflict, ctx } = conflicted();
    ticket.resolveConflict(conflict, 'Printer fine', { ...ctx, actor: 'rev' });
    const version = ticket.version;
    expect(() => ticket.resolveConflict(conflict, 'Printer smoking', ctx)).toThrow(ConflictAlreadyResolved);
    expect(() => ticket.resolveConflict(conflict, 'x', ctx)).toThrow(/already resolved by rev/);
    expect(ticket.title).toBe('Printer fine');
    expect(ticket.version).toBe(version);
  });

  it('refuses an invalid value and a conflict of another ticket', () => {
    const { ticket, conflict, ctx } = conflicted();
    expect(() => ticket.resolveConflict(conflict, '', ctx)).toThrow(InvalidTicketInput);
    expect(conflict.status).toBe('open');
    const other = Ticket.create({ title: 'other' }, { ...ctx, newId: () => 'other' }).ticket;
    expect(() => other.resolveConflict(conflict, 'x', ctx)).toThrow(ConflictMismatch);
  });
});
