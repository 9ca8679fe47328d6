import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canMove, hubStatusOf, incidentStatusFor, type IncidentStatus } from '#adapters/pagerduty/statuses.ts';
import { ticketStatuses } from '#domain/ticket/fields.ts';

const incidentStatuses: IncidentStatus[] = ['triggered', 'acknowledged', 'resolved'];

describe('PagerDuty statuses', () => {
  it('send each hub status as the nearest incident status, and read it back as the same or the nearest hub status', () => {
    expect(ticketStatuses.map((status) => [status, incidentStatusFor(status)])).toEqual([
      ['open', null],
      ['acknowledged', 'acknowledged'],
      ['in_progress', 'acknowledged'],
      ['blocked', 'acknowledged'],
      ['resolved', 'resolved'],
      ['closed', 'resolved'],
    ]);
    fc.assert(
      fc.property(fc.constantFrom(...incidentStatuses), (status) => {
        const target = incidentStatusFor(hubStatusOf(status));
        expect(target ?? 'triggered').toBe(status);
      }),
    );
  });

  it('only ever move an incident forward, never from resolved and never to where it is', () => {
    fc.assert(
      fc.property(fc.constantFrom(...incidentStatuses), fc.constantFrom('acknowledged' as const, 'resolved' as const), (from, to) => {
        const rank = { triggered: 0, acknowledged: 1, resolved: 2 };
        expect(canMove(from, to)).toBe(from !== 'resolved' && from !== to && rank[to] >= rank[from]);
      }),
    );
  });
});
