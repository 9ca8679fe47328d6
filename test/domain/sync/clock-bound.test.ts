// Bounded clocks in the domain: reports dated beyond the skew bound are named, and a remote HLC far
// ahead does not drag the hub's clock (nor stamp a write) beyond the drift bound.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initialHlc, maxClockDriftMs, receive } from '#domain/merge/hlc.ts';
import { futureDated, instantOfKey, maxClockSkewMs } from '#domain/sync/clock-bound.ts';
import { Ticket } from '#domain/ticket/ticket.ts';

const now = Date.parse('2026-11-29T12:00:00.000Z');

describe('futureDated', () => {
  it('names a report dated beyond the bound, by its observed time or its ISO key', () => {
    expect(futureDated({ observedAtMs: now + maxClockSkewMs + 1, orderingKey: 7 }, now)).toMatch(/more than 5 minutes ahead/);
    expect(futureDated({ observedAtMs: now, orderingKey: '2099-01-01T00:00:00.000Z#00000000000000000042' }, now)).toMatch(/^dated 2099-01-01T00:00:00.000Z/);
    expect(futureDated({ observedAtMs: now + maxClockSkewMs, orderingKey: new Date(now).toISOString() }, now)).toBeNull();
    expect(futureDated({ observedAtMs: now - 1, orderingKey: 12 }, now)).toBeNull();
  });

  it('reads instants from ISO keys only', () => {
    expect(instantOfKey('2026-11-29T12:00:00.000Z#~deleted')).toBe(now);
    expect(instantOfKey(42)).toBeNull();
    expect(instantOfKey('not a date')).toBeNull();
  });

  it('accepts exactly the reports within the bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (offset) => {
        const refused = futureDated({ observedAtMs: now + offset, orderingKey: 0 }, now) !== null;
        expect(refused).toBe(offset > maxClockSkewMs);
      }),
    );
  });
});

describe('the HLC under a remote clock far ahead', () => {
  it('never moves past local time plus the drift bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (ahead) => {
        const next = receive(initialHlc('hub'), { wall: now + ahead, logical: 3, node: 'side' }, now);
        expect(next.wall).toBeLessThanOrEqual(now + maxClockDriftMs);
      }),
    );
  });

  it('stamps an external write no later than the bound', () => {
    const { ticket } = Ticket.create({ title: 'Clock' }, { replica: 'hub', actor: 'ann', nowMs: now, newId: () => 'c1' });
    const write = ticket.issue({ replica: 'jira' }, now, { wall: Date.parse('2099-01-01T00:00:00Z'), logical: 0, node: 'jira' });
    expect(write.at.wall).toBe(now + maxClockDriftMs);
    expect(ticket.clock.hlc.wall).toBeLessThanOrEqual(now + maxClockDriftMs);
  });
});
