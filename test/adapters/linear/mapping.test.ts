import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExternalCallError } from '#domain/project/connector.ts';
import { priorities, ticketStatuses } from '#domain/ticket/fields.ts';
import { createLinearMapping } from '#adapters/linear/mapping.ts';
import { parseLinearConfig } from '#adapters/linear/settings.ts';

const states = [
  { id: 's1', name: 'Backlog', type: 'backlog', position: 0 },
  { id: 's2', name: 'Todo', type: 'unstarted', position: 1 },
  { id: 's3', name: 'In Progress', type: 'started', position: 2 },
  { id: 's4', name: 'In Review', type: 'started', position: 3 },
  { id: 's5', name: 'Done', type: 'completed', position: 4 },
  { id: 's6', name: 'Canceled', type: 'canceled', position: 5 },
];
const plain = createLinearMapping(parseLinearConfig({ teamKey: 'ENG' }));
const mapped = createLinearMapping(
  parseLinearConfig({ teamKey: 'ENG', statusMap: { BLOCKED: 'In Review' }, userMap: { ann: 'ann@example.com' } }),
);

describe('Linear mapping', () => {
  it('reads states by type and writes hub statuses to the first state of that type', () => {
    const read = states.map((s) => plain.hubStatus(s));
    expect(read).toEqual(['open', 'open', 'in_progress', 'in_progress', 'resolved', 'closed']);
    expect(plain.stateFor('open', states).name).toBe('Todo');
    expect(plain.stateFor('in_progress', states).name).toBe('In Progress');
    expect(plain.stateFor('resolved', states).name).toBe('Done');
    expect(plain.stateFor('closed', states).name).toBe('Canceled');
    expect(() => plain.stateFor('blocked', states)).toThrow(/config\.statusMap/);
  });

  it('lets statusMap name a state both ways, ahead of its type', () => {
    expect(mapped.hubStatus(states[3] as (typeof states)[number])).toBe('blocked');
    expect(mapped.stateFor('blocked', states).name).toBe('In Review');
    const parked = createLinearMapping(parseLinearConfig({ teamKey: 'ENG', statusMap: { blocked: 'Parked' } }));
    expect(() => parked.stateFor('blocked', states)).toThrow(/no workflow state named "Parked"/);
  });

  it('every hub status that maps out reads back as itself; the others are refused', () => {
    const outcomes = ticketStatuses.map((status) => {
      try {
        return mapped.hubStatus(mapped.stateFor(status, states));
      } catch (error) {
        return error instanceof ExternalCallError ? 'refused' : 'crashed';
      }
    });
    expect(outcomes).toEqual(['open', 'refused', 'in_progress', 'blocked', 'resolved', 'closed']);
  });

  it('round-trips priorities: 1..4 are P1..P4 and 0 is P5', () => {
    expect(priorities.map((p) => plain.priorityOut(p))).toEqual([1, 2, 3, 4, 0]);
    fc.assert(fc.property(fc.constantFrom(...priorities), (p) => plain.priorityIn(plain.priorityOut(p)) === p));
    expect(() => plain.priorityIn(5)).toThrow(ExternalCallError);
    expect(() => plain.priorityOut('urgent')).toThrow(/not one of p1/);
  });

  it('maps assignees by email through userMap, emails standing for themselves', () => {
    expect(mapped.assigneeOut('ann')).toBe('ann@example.com');
    expect(mapped.assigneeOut('bob@example.com')).toBe('bob@example.com');
    expect(mapped.assigneeOut(null)).toBeNull();
    expect(() => mapped.assigneeOut('zoe')).toThrow(/config\.userMap/);
    expect(mapped.assigneeIn('ANN@example.com')).toBe('ann');
    expect(mapped.assigneeIn('bob@example.com')).toBe('bob@example.com');
    const roundTrips = (email: string) => mapped.assigneeIn(mapped.assigneeOut(email) as string) === email;
    fc.assert(fc.property(fc.emailAddress(), (email) => roundTrips(email) || email === 'ann@example.com'));
  });

  it('sends label names once each, whatever their case, and reads them back sorted', () => {
    expect(plain.labelsOut([' bug ', 'Bug', 'infra', ''])).toEqual(['bug', 'infra']);
    expect(() => plain.labelsOut('bug')).toThrow(/not a list of strings/);
    expect(plain.fromLinear({ labels: ['web', 'api', 'web'] }).fields.labels).toEqual(['api', 'web']);
  });
});
